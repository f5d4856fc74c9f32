using System.CommandLine;
using PortraitBooth.Inference.Datasets;
using PortraitBooth.Inference.Faces;
using PortraitBooth.ModelBuilder;
using PortraitBooth.ModelBuilder.Packs;

namespace PortraitBooth.Cli;

/// <summary><c>portraitbooth dataset prepare</c>: a photo folder → portrait crops, masks, captions and manifest.json (docs/dataset.md).</summary>
public static class DatasetCommands
{
    public static Command Create()
    {
        var photos = new Option<string>("--photos") { Description = "A folder with photos/ and identities.tsv (file<TAB>identity), e.g. ../shared/data/faces-celeba.", Required = true };
        var output = new Option<string?>("--out") { Description = "Output folder (default $PORTRAITBOOTH_DATA/<name>-128, PORTRAITBOOTH_DATA defaulting to ~/.cache/portraitbooth/datasets)." };
        var seed = new Option<int>("--seed") { Description = "Seed of the split by person.", DefaultValueFactory = _ => 1 };
        var testPeople = new Option<int>("--test-people") { Description = "People held out for testing (never trained on).", DefaultValueFactory = _ => 30 };
        var validationPeople = new Option<int>("--validation-people") { Description = "People held out for validation.", DefaultValueFactory = _ => 15 };
        var threads = new Option<int>("--threads") { Description = $"Photos analysed at once, 1 or {DatasetPreparer.MaxThreads}.", DefaultValueFactory = _ => DatasetPreparer.MaxThreads };
        var prepare = new Command("prepare", "Detect, align, crop and caption every photo; split by person; write the dataset and its manifest.")
        {
            photos, output, seed, testPeople, validationPeople, threads,
        };
        prepare.SetAction((parse, cancellationToken) => CliErrors.Guard(() =>
        {
            var source = Path.GetFullPath(parse.GetValue(photos)!);
            var target = parse.GetValue(output) ?? DefaultOutput(source);
            var request = new DatasetRequest(source, target, parse.GetValue(seed), parse.GetValue(testPeople), parse.GetValue(validationPeople), parse.GetValue(threads));
            using var models = FaceModels.Open(ModelLocations.EnsureFaceModels());
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var manifest = new DatasetPreparer(models, ProjectTokenizer.Vocabulary(), Console.WriteLine).Prepare(request, cancellationToken);
            foreach (var line in DatasetSummary.Lines(manifest)) Console.WriteLine(line);
            Console.WriteLine($"wrote {Path.Combine(Path.GetFullPath(target), DatasetManifest.FileName)} in {clock.Elapsed:hh\\:mm\\:ss}");
            return 0;
        }));
        var dataset = new Command("dataset", "Training data preparation.");
        dataset.Subcommands.Add(prepare);
        return dataset;
    }

    private static string DefaultOutput(string source)
    {
        var root = Environment.GetEnvironmentVariable("PORTRAITBOOTH_DATA") is { Length: > 0 } data
            ? data
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "portraitbooth", "datasets");
        return Path.Combine(root, $"{Path.GetFileName(source.TrimEnd(Path.DirectorySeparatorChar))}-{DatasetPreparer.CropSize}");
    }
}
