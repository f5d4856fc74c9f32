using System.CommandLine;
using PortraitBooth.Inference.Faces;
using PortraitBooth.Inference.Images;
using PortraitBooth.Inference.Packs;
using PortraitBooth.Inference.Sampling;
using PortraitBooth.ModelBuilder;
using Spectre.Console;

namespace PortraitBooth.Cli;

/// <summary><c>portraitbooth generate</c>: one portrait from reference photo(s) and a prompt.</summary>
public static class GenerateCommand
{
    public static Command Create()
    {
        var faces = new Option<string[]>("--face") { Description = "Reference photo; once per identity word of the prompt, in order.", AllowMultipleArgumentsPerToken = false };
        var prompt = new Option<string>("--prompt") { Description = "The prompt; it names each person with an identity word such as 'man' or 'woman'.", Required = true };
        var pack = CommonOptions.Pack();
        var device = CommonOptions.Device();
        var seed = new Option<ulong?>("--seed") { Description = "Noise seed (default: random, printed)." };
        var steps = new Option<int?>("--steps") { Description = "Denoising steps (1-150; default: the pack's)." };
        var guidance = new Option<float?>("--guidance") { Description = "Classifier-free guidance scale (0-30; default: the pack's)." };
        var width = new Option<int?>("--width") { Description = "Image width (default: the pack's)." };
        var height = new Option<int?>("--height") { Description = "Image height (default: the pack's)." };
        var negative = new Option<string>("--negative") { Description = "Negative prompt.", DefaultValueFactory = _ => "" };
        var boxes = new Option<string[]>("--box") { Description = "A subject's region x,y,w,h in output pixels; once per --face, in order (default with 2+ faces: one column each)." };
        var expressions = new Option<string[]>("--expression") { Description = "An expression word per --face, in order ('none' for a face without); inserted before that face's identity word." };
        var output = new Option<string>("--out") { Description = "Output file (.png, .jpg or .jpeg).", Required = true };

        var command = new Command("generate", "Generate a portrait that keeps the identity of the reference face(s).")
        {
            faces, prompt, pack, device, seed, steps, guidance, width, height, negative, boxes, expressions, output,
        };
        command.SetAction((parse, cancellationToken) => CliErrors.Guard(() =>
        {
            var outPath = parse.GetValue(output)!;
            ImageEncoding.EncoderFor(outPath);
            var facePaths = parse.GetValue(faces) ?? [];
            var subjectBoxes = ParseBoxes(parse.GetValue(boxes));
            var subjectExpressions = ExpressionOption.Parse(parse.GetValue(expressions));
            var execution = CommonOptions.Execution(parse.GetValue(device));
            var photos = facePaths.Select(path => ImageDecoding.LoadRgb(path)).ToList();
            try
            {
                using var opened = ModelPack.Open(parse.GetValue(pack) ?? ModelLocations.EnsurePack(PackKind.Tiny), execution);
                var embeddings = EmbedFaces(opened, photos, facePaths, execution);
                var chosen = opened.Manifest.SamplingDefaults.Fill(parse.GetValue(steps), parse.GetValue(guidance), parse.GetValue(width), parse.GetValue(height));
                var request = new GenerationRequest
                {
                    Prompt = parse.GetValue(prompt)!,
                    Faces = embeddings,
                    NegativePrompt = parse.GetValue(negative)!,
                    Seed = parse.GetValue(seed) ?? Inference.Randomness.Seeds.Random(),
                    Steps = chosen.Steps,
                    Guidance = chosen.Guidance,
                    Width = chosen.Width,
                    Height = chosen.Height,
                    Boxes = subjectBoxes,
                    Expressions = subjectExpressions,
                };
                var pipeline = new PortraitPipeline(opened, PackTokenizer.Create(opened));
                using var result = SampleWithProgress(pipeline, request, cancellationToken);
                ImageEncoding.Save(result.Image, outPath);
                Console.WriteLine($"wrote {Path.GetFullPath(outPath)}");
                Console.WriteLine($"seed {request.Seed}, {request.Steps} steps, {request.Width}x{request.Height}, pack '{opened.Manifest.Name}', on {execution.Device}");
                Console.WriteLine($"time {result.Total.TotalSeconds:F2} s (ONNX {result.OnnxTime.TotalSeconds:F2} s in {result.OnnxCalls} runs; U-Net {result.Unet.Calls} calls, {result.Unet.Rows} rows)");
                return Task.FromResult(0);
            }
            finally
            {
                foreach (var photo in photos) photo.Dispose();
            }
        }));
        return command;
    }

    private static List<SubjectBox>? ParseBoxes(string[]? values) =>
        values is null or [] ? null : values.Select(value =>
        {
            var parts = value.Split(',').Select(p => int.TryParse(p.Trim(), out var n) ? n : (int?)null).ToList();
            return parts is [{ } x, { } y, { } w, { } h]
                ? new SubjectBox(x, y, w, h)
                : throw new UsageException($"--box '{value}' must be x,y,w,h: four integers in output pixels");
        }).ToList();

    /// <summary>φ of each photo's largest face; says so when a photo held several.</summary>
    private static List<float[]> EmbedFaces(ModelPack pack, List<SixLabors.ImageSharp.Image<SixLabors.ImageSharp.PixelFormats.Rgb24>> photos, string[] paths,
        Inference.Execution.ExecutionPlan execution)
    {
        if (photos.Count == 0) return [];
        using var faceModels = FaceModels.Open(ModelLocations.EnsureFaceModels(), execution);
        var embedder = new FaceEmbedder(pack, new AlignedFaceInput(new FaceAnalyzer(faceModels)));
        var embeddings = new List<float[]>();
        for (var i = 0; i < photos.Count; i++)
        {
            var embedding = embedder.Embed(photos[i], paths[i]);
            if (embedding.FacesFound > 1)
                Console.WriteLine($"{paths[i]}: {embedding.FacesFound} faces found, using the largest");
            embeddings.Add(embedding.Values);
        }
        return embeddings;
    }

    private static GenerationResult SampleWithProgress(PortraitPipeline pipeline, GenerationRequest request, CancellationToken cancellationToken)
    {
        // Bad requests fail before the bar is drawn.
        pipeline.Check(request);
        if (!AnsiConsole.Profile.Capabilities.Interactive)
            return pipeline.Generate(request, null, cancellationToken);
        GenerationResult? result = null;
        AnsiConsole.Progress().Start(context =>
        {
            var task = context.AddTask("sampling", maxValue: request.Steps);
            result = pipeline.Generate(request, new Progress(task), cancellationToken);
        });
        return result!;
    }

    /// <summary>Synchronous progress (System.Progress posts to the thread pool and would lag the bar).</summary>
    private sealed class Progress(ProgressTask task) : IProgress<SamplingProgress>
    {
        public void Report(SamplingProgress value) => task.Value = value.Step;
    }
}
