using System.CommandLine;
using System.Diagnostics;
using PortraitBooth.Inference.Faces;
using PortraitBooth.Inference.Packs;
using PortraitBooth.Inference.Sampling;
using PortraitBooth.ModelBuilder;
using PortraitBooth.ModelBuilder.FaceApi;
using Spectre.Console;

namespace PortraitBooth.Cli;

/// <summary>
/// <c>portraitbooth bench pipeline</c>: where a generation's time goes, and what batching CFG saves.
/// <c>portraitbooth bench faces</c>: our face analysis against face-api's own JS pipeline on the same pixels.
/// <c>portraitbooth bench multi</c>: see <see cref="MultiBenchCommand"/>.
/// <c>portraitbooth bench platform</c>: <see cref="Platform.PlatformBenchCommand"/>.
/// </summary>
public static class BenchCommands
{
    public static Command Create()
    {
        var bench = new Command("bench", "Benchmarks that print ratios.");
        bench.Subcommands.Add(PipelineCommand());
        bench.Subcommands.Add(FacesCommand());
        bench.Subcommands.Add(MultiBenchCommand.Create());
        bench.Subcommands.Add(Platform.PlatformBenchCommand.Create());
        return bench;
    }

    /// <summary>Photos are shrunk to this longest side first, as in the verification test, so sizes stay comparable.</summary>
    private const int FaceBenchLongestSide = 1024;

    private static Command FacesCommand()
    {
        var photos = new Option<string?>("--photos") { Description = "A folder of photos (*.jpg, recursive); default: face-api's demo photos sample1..6.jpg." };
        var command = new Command("faces", "Detect + landmarks + embed per photo: ours (ONNX Runtime) vs face-api's JS pipeline (TF.js wasm) on identical pixels.")
        {
            photos,
        };
        command.SetAction(parse => CliErrors.Guard(() =>
        {
            var reference = ModelLocations.FaceApiReferenceDirectory();
            var faceApiModels = Path.Combine(ModelLocations.FaceApiDirectory(), "model");
            if (FaceApiJsPipeline.MissingPiece(reference, faceApiModels) is { } missing) throw new UsageException($"bench faces needs face-api's JS pipeline: {missing}");
            var files = BenchPhotos(parse.GetValue(photos));
            var images = files.Select(file =>
            {
                var image = Inference.Images.ImageDecoding.LoadRgb(file);
                Inference.Images.ImageScaling.ShrinkToFit(image, FaceBenchLongestSide);
                return image;
            }).ToList();
            try
            {
                using var models = FaceModels.Open(ModelLocations.EnsureFaceModels());
                var analyzer = new FaceAnalyzer(models);
                _ = analyzer.Analyze(images[0], withExpressions: false); // warm-up: ONNX Runtime's first-run allocations
                var ourFaces = 0;
                var clock = Stopwatch.StartNew();
                foreach (var image in images) ourFaces += analyzer.Analyze(image, withExpressions: false).Count;
                var oursMs = clock.Elapsed.TotalMilliseconds / images.Count;

                // The first photo twice, its first run dropped: the same warm-up for wasm's compilation and TF.js's caches.
                var theirs = FaceApiJsPipeline.Run(reference, faceApiModels, [images[0], .. images]).Skip(1).ToList();
                var theirMs = theirs.Average(r => r.Ms);

                var table = new Table().AddColumns("photos", "ours ms/photo", "face-api wasm ms/photo", "ratio", "faces ours", "faces face-api");
                table.AddRow(images.Count.ToString(), $"{oursMs:F1}", $"{theirMs:F1}", $"{oursMs / theirMs:F3}", ourFaces.ToString(), theirs.Sum(r => r.Faces).ToString());
                AnsiConsole.Write(table);
                Console.WriteLine($"ratio = ours / face-api (below 1: ours is faster); detect + 68 landmarks + descriptor, no expressions; photos at most {FaceBenchLongestSide} px; {Environment.ProcessorCount} cores");
                return 0;
            }
            finally
            {
                foreach (var image in images) image.Dispose();
            }
        }));
        return command;
    }

    private static List<string> BenchPhotos(string? folder)
    {
        if (folder is null)
        {
            var demo = Path.Combine(ModelLocations.FaceApiDirectory(), "demo");
            var samples = Enumerable.Range(1, 6).Select(n => Path.Combine(demo, $"sample{n}.jpg")).ToList();
            return samples.All(File.Exists) ? samples
                : throw new UsageException($"face-api's demo photos are not in {demo}: run scripts/fetch-face-api.sh, or pass --photos DIR");
        }
        if (!Directory.Exists(folder)) throw new UsageException($"--photos: folder '{folder}' does not exist");
        var photos = Directory.EnumerateFiles(folder, "*.jpg", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        return photos.Count > 0 ? photos : throw new UsageException($"--photos: no *.jpg under '{folder}'");
    }

    private static Command PipelineCommand()
    {
        var pack = new Option<string?>("--pack") { Description = "Pack folder (default: the generated mid pack, models/mid)." };
        var device = CommonOptions.Device();
        var steps = new Option<int>("--steps") { DefaultValueFactory = _ => 20 };
        var size = new Option<int>("--size") { Description = "Width and height.", DefaultValueFactory = _ => 512 };
        var repeat = new Option<int>("--repeat") { Description = "Runs per CFG mode, alternating; the table shows the median run.", DefaultValueFactory = _ => 1 };
        var command = new Command("pipeline", "Total generation time vs time inside ONNX Run; CFG as one batch-2 call vs two batch-1 calls.")
        {
            pack, device, steps, size, repeat,
        };
        command.SetAction(parse => CliErrors.Guard(() =>
        {
            var execution = CommonOptions.Execution(parse.GetValue(device));
            using var opened = ModelPack.Open(parse.GetValue(pack) ?? ModelLocations.EnsurePack(PackKind.Mid), execution);
            var pipeline = new PortraitPipeline(opened, PackTokenizer.Create(opened));
            var face = SampleFace(opened, execution);
            GenerationRequest Request(CfgMode mode, int stepCount) => new()
            {
                Prompt = "a portrait photo of a man wearing a red hat",
                Faces = [face],
                Seed = 42,
                Steps = stepCount,
                Guidance = opened.Manifest.SamplingDefaults.Guidance,
                Width = parse.GetValue(size),
                Height = parse.GetValue(size),
                Cfg = mode,
            };
            pipeline.Generate(Request(CfgMode.Batched, 1)).Dispose(); // warm-up: first-run allocations of ONNX Runtime
            var runs = new Dictionary<CfgMode, List<(TimeSpan Total, TimeSpan Onnx, int Calls)>> { [CfgMode.Batched] = [], [CfgMode.Sequential] = [] };
            for (var run = 0; run < Math.Max(1, parse.GetValue(repeat)); run++)
                foreach (var mode in run % 2 == 0 ? new[] { CfgMode.Batched, CfgMode.Sequential } : [CfgMode.Sequential, CfgMode.Batched])
                {
                    using var result = pipeline.Generate(Request(mode, parse.GetValue(steps)));
                    runs[mode].Add((result.Total, result.OnnxTime, result.OnnxCalls));
                }
            var table = new Table().AddColumns("CFG", "total s", "ONNX Run s", "total/ONNX", "ms/step", "runs");
            var totals = new Dictionary<CfgMode, TimeSpan>();
            foreach (var (mode, results) in runs)
            {
                var median = results.OrderBy(r => r.Total).ElementAt(results.Count / 2);
                totals[mode] = median.Total;
                table.AddRow(mode == CfgMode.Batched ? "batch-2" : "2x batch-1",
                    $"{median.Total.TotalSeconds:F3}", $"{median.Onnx.TotalSeconds:F3}",
                    $"{median.Total / median.Onnx:F4}", $"{median.Total.TotalMilliseconds / parse.GetValue(steps):F1}",
                    median.Calls.ToString());
            }
            AnsiConsole.Write(table);
            Console.WriteLine($"pack '{opened.Manifest.Name}', {parse.GetValue(size)}x{parse.GetValue(size)}, {parse.GetValue(steps)} steps, {Environment.ProcessorCount} cores, on {execution.Device}");
            Console.WriteLine($"batch-2 / two batch-1 total time: {totals[CfgMode.Batched] / totals[CfgMode.Sequential]:F3}");
            Console.WriteLine($"peak working set: {Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024):F0} MiB");
            return 0;
        }));
        return command;
    }

    /// <summary>φ of the largest face in face-api's first demo photo, so the benchmark needs no files of its own.</summary>
    internal static float[] SampleFace(ModelPack pack, Inference.Execution.ExecutionPlan execution)
    {
        using var faceModels = FaceModels.Open(ModelLocations.EnsureFaceModels(), execution);
        using var photo = Inference.Images.ImageDecoding.LoadRgb(Path.Combine(ModelLocations.FaceApiDirectory(), "demo", "sample1.jpg"));
        return new FaceEmbedder(pack, new AlignedFaceInput(new FaceAnalyzer(faceModels))).Embed(photo).Values;
    }
}
