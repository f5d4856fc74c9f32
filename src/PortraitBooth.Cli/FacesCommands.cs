using System.CommandLine;
using System.Text.Json;
using PortraitBooth.Inference.Faces;
using PortraitBooth.Inference.Images;
using PortraitBooth.ModelBuilder;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace PortraitBooth.Cli;

/// <summary><c>portraitbooth faces detect|embed|compare|expression</c>: the converted face-api networks on photos, as JSON.</summary>
public static class FacesCommands
{
    public static Command Create()
    {
        var faces = new Command("faces", "Face detection, landmarks, identity descriptors and expressions (face-api's networks in ONNX).");
        faces.Subcommands.Add(PhotoCommand("detect", "Every face: box [x,y,w,h], score and 68 landmarks.", Detect));
        faces.Subcommands.Add(PhotoCommand("embed", "The largest face's 128-D descriptor.", Embed));
        faces.Subcommands.Add(PhotoCommand("expression", "The largest face's expression probabilities.", Expression));
        faces.Subcommands.Add(CompareCommand());
        return faces;
    }

    // What each photo command prints (as JSON); public so that tests can run them on many photos in one process.

    /// <summary><c>faces detect</c>: every face with its box [x,y,w,h], score and 68 landmarks [x,y].</summary>
    public static object Detect(FaceAnalyzer analyzer, Image<Rgb24> photo, string name) =>
        analyzer.Analyze(photo, withExpressions: false).Select(f => new
        {
            box = new[] { f.Box.X, f.Box.Y, f.Box.Width, f.Box.Height },
            score = f.Score,
            landmarks = f.Landmarks.Select(p => new[] { p.X, p.Y }),
        }).ToList();

    /// <summary><c>faces embed</c>: the largest face's descriptor and how many faces were found.</summary>
    public static object Embed(FaceAnalyzer analyzer, Image<Rgb24> photo, string name)
    {
        var (face, found) = analyzer.Largest(photo, name, withExpressions: false);
        return new { embedding = face.Descriptor, faces_found = found };
    }

    /// <summary><c>faces expression</c>: the largest face's seven expression probabilities by label.</summary>
    public static object Expression(FaceAnalyzer analyzer, Image<Rgb24> photo, string name) =>
        analyzer.Largest(photo, name, withExpressions: true).Face.Expressions!.ToDictionary();

    private static Command PhotoCommand(string name, string description, Func<FaceAnalyzer, Image<Rgb24>, string, object> run)
    {
        var image = new Argument<string>("image") { Description = "A photo (JPEG, PNG, WebP, …)." };
        var command = new Command(name, description) { image };
        command.SetAction(parse => CliErrors.Guard(() =>
        {
            var path = parse.GetValue(image)!;
            using var photo = ImageDecoding.LoadRgb(path);
            using var models = FaceModels.Open(ModelLocations.EnsureFaceModels());
            Console.WriteLine(JsonSerializer.Serialize(run(new FaceAnalyzer(models), photo, path)));
            return 0;
        }));
        return command;
    }

    private static Command CompareCommand()
    {
        var first = new Argument<string>("image-a");
        var second = new Argument<string>("image-b");
        var command = new Command("compare", "Identity similarity (cosine of mean-centred descriptors) and Euclidean distance of the largest faces.")
        {
            first, second,
        };
        command.SetAction(parse => CliErrors.Guard(() =>
        {
            var (pathA, pathB) = (parse.GetValue(first)!, parse.GetValue(second)!);
            using var photoA = ImageDecoding.LoadRgb(pathA);
            using var photoB = ImageDecoding.LoadRgb(pathB);
            using var models = FaceModels.Open(ModelLocations.EnsureFaceModels());
            var analyzer = new FaceAnalyzer(models);
            var a = analyzer.Largest(photoA, pathA, withExpressions: false).Face.Descriptor;
            var b = analyzer.Largest(photoB, pathB, withExpressions: false).Face.Descriptor;
            Console.WriteLine(JsonSerializer.Serialize(new { similarity = models.Metrics.Similarity(a, b), distance = IdentityMetrics.Distance(a, b) }));
            return 0;
        }));
        return command;
    }
}
