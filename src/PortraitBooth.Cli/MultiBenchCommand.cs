using System.CommandLine;
using PortraitBooth.Inference.Packs;
using PortraitBooth.Inference.Sampling;
using PortraitBooth.ModelBuilder;
using Spectre.Console;

namespace PortraitBooth.Cli;

/// <summary>
/// <c>portraitbooth bench multi</c>: single- vs two- vs three-subject generation time, the multi-subject runs both
/// batched (one U-Net call per step) and with one U-Net call per region, with the U-Net rows each evaluates.
/// </summary>
public static class MultiBenchCommand
{
    private static readonly string[] Prompts =
    [
        "a portrait photo of a man",
        "a photo of a man and a woman at the beach",
        "a photo of a man, a woman and a man in a park",
    ];

    public static Command Create()
    {
        var pack = new Option<string?>("--pack") { Description = "Pack folder (default: the generated mid pack, models/mid)." };
        var device = CommonOptions.Device();
        var steps = new Option<int>("--steps") { DefaultValueFactory = _ => 20 };
        var size = new Option<int>("--size") { Description = "Width and height.", DefaultValueFactory = _ => 512 };
        var repeat = new Option<int>("--repeat") { Description = "Runs per row; the table shows the median run.", DefaultValueFactory = _ => 1 };
        var bootstrap = new Option<double>("--bootstrap") { Description = "Share of the steps with bootstrapping.", DefaultValueFactory = _ => 0.4 };
        var command = new Command("multi", "Single vs two vs three subjects; batched vs one U-Net call per region; U-Net rows per image.")
        {
            pack, device, steps, size, repeat, bootstrap,
        };
        command.SetAction(parse => CliErrors.Guard(() =>
        {
            var execution = CommonOptions.Execution(parse.GetValue(device));
            using var opened = ModelPack.Open(parse.GetValue(pack) ?? ModelLocations.EnsurePack(PackKind.Mid), execution);
            var pipeline = new PortraitPipeline(opened, PackTokenizer.Create(opened));
            var face = BenchCommands.SampleFace(opened, execution);
            GenerationRequest Request(int subjects, CfgMode mode, int stepCount) => new()
            {
                Prompt = Prompts[subjects - 1],
                Faces = Enumerable.Repeat(face, subjects).ToList(),
                Seed = 42,
                Steps = stepCount,
                Guidance = opened.Manifest.SamplingDefaults.Guidance,
                Width = parse.GetValue(size),
                Height = parse.GetValue(size),
                BootstrapFraction = parse.GetValue(bootstrap),
                Cfg = mode,
            };
            // Warm-up: ONNX Runtime's first-run allocations for each batch size a run below uses.
            for (var subjects = 1; subjects <= Prompts.Length; subjects++) pipeline.Generate(Request(subjects, CfgMode.Batched, 2)).Dispose();

            var runs = new List<(int Subjects, CfgMode Mode, GenerationResult Median)>();
            foreach (var (subjects, mode) in new[] { (1, CfgMode.Batched), (2, CfgMode.Batched), (2, CfgMode.Sequential), (3, CfgMode.Batched), (3, CfgMode.Sequential) })
            {
                var results = Enumerable.Range(0, Math.Max(1, parse.GetValue(repeat)))
                    .Select(_ => pipeline.Generate(Request(subjects, mode, parse.GetValue(steps)))).OrderBy(r => r.Total).ToList();
                var median = results[results.Count / 2];
                foreach (var other in results.Where(r => r != median)) other.Dispose();
                runs.Add((subjects, mode, median));
            }

            var single = runs[0].Median.Total;
            var latentSide = parse.GetValue(size) / opened.Manifest.Latent.VaeScale;
            double CanvasRows(GenerationResult result) => result.Unet.CanvasRows(latentSide, latentSide);
            var table = new Table().AddColumns("subjects", "mode", "total s", "ONNX Run s", "calls", "rows", "canvas rows", "/ single");
            foreach (var (subjects, mode, median) in runs)
                table.AddRow(subjects.ToString(), subjects == 1 ? "batch-2" : mode == CfgMode.Batched ? "one per step" : "one per region",
                    $"{median.Total.TotalSeconds:F2}", $"{median.OnnxTime.TotalSeconds:F2}", median.Unet.Calls.ToString(),
                    median.Unet.Rows.ToString(), $"{CanvasRows(median):F1}", $"{median.Total / single:F2}");
            AnsiConsole.Write(table);
            Console.WriteLine($"pack '{opened.Manifest.Name}', {parse.GetValue(size)}x{parse.GetValue(size)}, {parse.GetValue(steps)} steps, " +
                              $"bootstrapping {parse.GetValue(bootstrap):P0} of the steps, {Environment.ProcessorCount} cores, on {execution.Device}");
            foreach (var subjects in new[] { 2, 3 })
            {
                var (batched, perRegion) = (runs.Single(r => r.Subjects == subjects && r.Mode == CfgMode.Batched).Median,
                    runs.Single(r => r.Subjects == subjects && r.Mode == CfgMode.Sequential).Median);
                Console.WriteLine($"{subjects} subjects: batched / single {batched.Total / single:F2} (rows {(double)batched.Unet.Rows / runs[0].Median.Unet.Rows:F2}, " +
                                  $"canvas rows {CanvasRows(batched) / CanvasRows(runs[0].Median):F2}), " +
                                  $"batched / one call per region {batched.Total / perRegion.Total:F2} (rows {(double)batched.Unet.Rows / perRegion.Unet.Rows:F2})");
            }
            foreach (var run in runs) run.Median.Dispose();
            return 0;
        }));
        return command;
    }
}
