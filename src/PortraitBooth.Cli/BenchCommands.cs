using System.CommandLine;
using System.Diagnostics;
using PortraitBooth.Inference.Faces;
using PortraitBooth.Inference.Packs;
using PortraitBooth.Inference.Sampling;
using PortraitBooth.ModelBuilder;
using Spectre.Console;

namespace PortraitBooth.Cli;

/// <summary><c>portraitbooth bench pipeline</c>: where a generation's time goes, and what batching CFG saves.</summary>
public static class BenchCommands
{
    public static Command Create()
    {
        var bench = new Command("bench", "Benchmarks that print ratios.");
        bench.Subcommands.Add(PipelineCommand());
        return bench;
    }

    private static Command PipelineCommand()
    {
        var pack = new Option<string?>("--pack") { Description = "Pack folder (default: the generated mid pack, models/mid)." };
        var steps = new Option<int>("--steps") { DefaultValueFactory = _ => 20 };
        var size = new Option<int>("--size") { Description = "Width and height.", DefaultValueFactory = _ => 512 };
        var repeat = new Option<int>("--repeat") { Description = "Runs per CFG mode, alternating; the table shows the median run.", DefaultValueFactory = _ => 1 };
        var command = new Command("pipeline", "Total generation time vs time inside ONNX Run; CFG as one batch-2 call vs two batch-1 calls.")
        {
            pack, steps, size, repeat,
        };
        command.SetAction(parse => CliErrors.Guard(() =>
        {
            using var opened = ModelPack.Open(parse.GetValue(pack) ?? ModelLocations.EnsurePack(PackKind.Mid));
            var pipeline = new PortraitPipeline(opened, PackTokenizer.Create(opened));
            var face = SampleFace(opened);
            GenerationRequest Request(CfgMode mode, int stepCount) => new()
            {
                Prompt = "a portrait photo of a man wearing a red hat",
                Faces = [face],
                Seed = 42,
                Steps = stepCount,
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
            Console.WriteLine($"pack '{opened.Manifest.Name}', {parse.GetValue(size)}x{parse.GetValue(size)}, {parse.GetValue(steps)} steps, {Environment.ProcessorCount} cores");
            Console.WriteLine($"batch-2 / two batch-1 total time: {totals[CfgMode.Batched] / totals[CfgMode.Sequential]:F3}");
            Console.WriteLine($"peak working set: {Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024):F0} MiB");
            return 0;
        }));
        return command;
    }

    /// <summary>φ of the largest face in face-api's first demo photo, so the benchmark needs no files of its own.</summary>
    private static float[] SampleFace(ModelPack pack)
    {
        using var faceModels = FaceModels.Open(ModelLocations.EnsureFaceModels());
        using var photo = Inference.Images.ImageDecoding.LoadRgb(Path.Combine(ModelLocations.FaceApiDirectory(), "demo", "sample1.jpg"));
        return new FaceEmbedder(pack, new AlignedFaceInput(new FaceAnalyzer(faceModels))).Embed(photo).Values;
    }
}
