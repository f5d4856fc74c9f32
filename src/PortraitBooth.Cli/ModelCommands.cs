using System.CommandLine;
using PortraitBooth.ModelBuilder;
using PortraitBooth.ModelBuilder.FaceApi;

namespace PortraitBooth.Cli;

/// <summary><c>portraitbooth models convert-face-api</c>.</summary>
public static class ModelCommands
{
    public static Command Create()
    {
        var from = new Option<string?>("--from") { Description = "The extracted face-api package (with model/ and demo/); default .tools/face-api." };
        var output = new Option<string?>("--out") { Description = "Output folder; default models/face." };
        var convert = new Command("convert-face-api", "Convert face-api's TF.js networks to ONNX and compute the population mean descriptor.")
        {
            from, output,
        };
        convert.SetAction(parse => CliErrors.Guard(() =>
        {
            var target = parse.GetValue(output) ?? Path.Combine(ModelLocations.ModelsDirectory(), "face");
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var manifest = FaceApiConverter.Convert(parse.GetValue(from) ?? ModelLocations.FaceApiDirectory(), target);
            Console.WriteLine($"wrote {string.Join(", ", manifest.Files.Keys)} and face-models.json to {Path.GetFullPath(target)} in {clock.Elapsed.TotalSeconds:F1} s");
            Console.WriteLine(manifest.Population);
            return 0;
        }));
        var models = new Command("models", "Model conversion tools.");
        models.Subcommands.Add(convert);
        return models;
    }
}
