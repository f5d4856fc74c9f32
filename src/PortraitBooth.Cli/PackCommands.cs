using System.CommandLine;
using PortraitBooth.Inference.Packs;
using PortraitBooth.ModelBuilder;
using Spectre.Console;

namespace PortraitBooth.Cli;

/// <summary><c>portraitbooth pack create|verify</c>.</summary>
public static class PackCommands
{
    public static Command Create()
    {
        var pack = new Command("pack", "Create and verify model packs.");
        pack.Subcommands.Add(CreateCommand());
        pack.Subcommands.Add(VerifyCommand());
        return pack;
    }

    private static Command CreateCommand()
    {
        var kind = new Option<PackKind>("--kind") { Description = "tiny (tests, first run), mid (pipeline benchmarks) or micro (platform benchmark).", Required = true };
        var float16 = new Option<bool>("--float16") { Description = "float16 graph inputs and outputs (tiny only)." };
        var output = new Option<string>("--out") { Description = "The folder to write.", Required = true };
        var seed = new Option<ulong>("--seed") { Description = "Weight seed; the same seed gives byte-identical files.", DefaultValueFactory = _ => ModelLocations.DefaultSeed };
        var create = new Command("create", "Write a generated pack with the SD-1.5 ONNX contract and deterministic weights.")
        {
            kind, float16, output, seed,
        };
        create.SetAction(parse => CliErrors.Guard(() =>
        {
            var directory = Path.GetFullPath(parse.GetValue(output)!);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            PackGenerator.Create(parse.GetValue(kind), parse.GetValue(float16), directory, parse.GetValue(seed));
            var manifest = ModelPack.ReadManifest(directory);
            Console.WriteLine($"wrote pack '{manifest.Name}' to {directory} in {clock.Elapsed.TotalSeconds:F1} s");
            return 0;
        }));
        return create;
    }

    private static Command VerifyCommand()
    {
        var directory = new Argument<string>("dir") { Description = "The pack folder (with pack.json)." };
        var verify = new Command("verify", "Check a pack's manifest, file hashes, ONNX metadata and widths, run each graph once, show its defaults and model card.")
        {
            directory,
        };
        verify.SetAction(parse => CliErrors.Guard(() =>
        {
            var path = parse.GetValue(directory)!;
            using var opened = ModelPack.Open(path);
            var table = new Table().AddColumns("model", "file", "run (ms)", "outputs");
            foreach (var result in PackSmokeRun.Run(opened))
                table.AddRow(result.Model, opened.Spec(result.Model).Path, $"{result.Elapsed.TotalMilliseconds:F1}",
                    Markup.Escape(string.Join(" ", result.OutputShapes.Select(o => $"{o.Key}[{string.Join(",", o.Value)}]"))));
            AnsiConsole.Write(table);
            var manifest = opened.Manifest;
            var defaults = manifest.SamplingDefaults;
            Console.WriteLine($"defaults: {defaults.Steps} steps, guidance {defaults.Guidance}, {defaults.Width}x{defaults.Height}; VAE pixel range {manifest.PixelRange}");
            foreach (var line in CardLines(manifest.Card)) Console.WriteLine(line);
            Console.WriteLine($"pack '{manifest.Name}' {manifest.Version} at {opened.Directory}: OK");
            return 0;
        }));
        return verify;
    }

    private static IEnumerable<string> CardLines(ModelCard? card)
    {
        if (card is null)
        {
            yield return "model card: none (pack.json has no card)";
            yield break;
        }
        yield return "model card:";
        foreach (var (label, text) in new[]
                 {
                     ("description", card.Description), ("training data", card.TrainingData), ("licence", card.Licence),
                     ("prompts", card.Prompts), ("readme", card.Readme),
                 })
            if (!string.IsNullOrWhiteSpace(text)) yield return $"  {label}: {text}";
    }
}
