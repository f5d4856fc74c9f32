using System.Text.Json;
using PortraitBooth.Inference.Faces;
using PortraitBooth.Inference.Images;
using PortraitBooth.ModelBuilder.Parity;
using PortraitBooth.Testing;

namespace PortraitBooth.ModelBuilder.Tests.Parity;

/// <summary>
/// The trainer's face recognizer and alignment (issue 15, DIP's φ: <c>training/networks/face_recognizer.py</c> with
/// face-api's weights read from the converted ONNX file, <c>training/identity_loss.py</c>'s alignment) against the
/// runtime: the graph in ONNX Runtime on the same inputs, and the runtime's reference descriptors of real photos.
/// Needs the trainer's Python, face-api's weights and ../shared/data/identities: fails without them in CI, skips elsewhere.
/// </summary>
public sealed class RecognizerParityTests(GeneratedPacks packs, ConvertedFaceModels faceModels)
{
    private const int Photos = 4;

    [Fact]
    public void The_trainers_recognizer_gives_the_onnx_recognizers_descriptors_and_aligns_faces_as_the_runtime_does()
    {
        TrainerPython.Require("recognizer_check");
        var identities = SharedData.Require("data", "identities");
        using var models = FaceModels.Open(faceModels.Directory);
        var recognizer = Path.Combine(faceModels.Directory, FaceModels.RecognizerFile);
        var analyzer = new FaceAnalyzer(models);
        var photos = Directory.GetDirectories(identities).Order().Take(Photos).Select(d => Path.Combine(d, "1.jpg")).ToList();
        var runtime = photos.Select(p =>
        {
            using var photo = ImageDecoding.LoadRgb(p);
            return analyzer.Largest(photo, p, withExpressions: false).Face;
        }).ToList();
        var output = packs.NewFolder("recognizer-check");
        Directory.CreateDirectory(output);
        var faces = Path.Combine(output, "faces.json");
        File.WriteAllText(faces, JsonSerializer.Serialize(photos.Zip(runtime, (p, f) =>
            new { photo = p, landmarks = f.Landmarks.Select(l => new[] { l.X, l.Y }) })));

        var (exitCode, stdout, stderr) = TrainerPython.Run(["-m", "training.recognizer_check", "--recognizer", recognizer,
            "--photos", identities, "--count", $"{Photos}", "--faces", faces, "--out", output]);
        Assert.True(exitCode == 0, $"training.recognizer_check exited {exitCode}:\n{stdout}\n{stderr}");

        var data = ParityData.Read(output);
        var graph = Assert.Single(data.Graphs);
        Assert.Equal(recognizer, data.ModelPath(graph));
        Assert.Equal(new long[] { Photos + 1, 3, 150, 150 }, data.Tensor(graph, "image").Shape);
        var result = Assert.Single(ParityCheck.Run(data));
        Report($"{stdout.Trim()}; {result}");
        Assert.True(result.Passed, result.ToString());

        // The runtime rounds its aligned face to bytes and torch does not: a few thousandths apart, where one
        // person's photos lie 0.3–0.6 apart.
        var aligned = ParityTensor.Read(Path.Combine(output, "aligned.pb"));
        Assert.Equal(new long[] { Photos, 128 }, aligned.Shape);
        for (var i = 0; i < Photos; i++)
        {
            var distance = IdentityMetrics.Distance(runtime[i].Descriptor, aligned.Floats!.AsSpan(i * 128, 128));
            Report($"{Path.GetFileName(Path.GetDirectoryName(photos[i]))}: torch-aligned descriptor {distance:F4} from the runtime's");
            Assert.True(distance < 0.02, $"{photos[i]}: the identity loss's descriptor lies {distance:F4} from the runtime's");
        }
    }

    [Fact]
    public void A_file_that_is_not_the_recognizer_is_refused_by_name()
    {
        TrainerPython.Require("recognizer_check");
        var photos = SharedData.Require("data", "identities");
        var detector = Path.Combine(faceModels.Directory, FaceModels.DetectorFile);

        var (exitCode, _, stderr) = TrainerPython.Run(["-m", "training.recognizer_check", "--recognizer", detector, "--photos", photos, "--out", packs.NewFolder("wrong-recognizer")]);

        Assert.Equal(2, exitCode);
        Assert.Contains("has no initializer 'fc'", stderr);
    }

    private static void Report(string line)
    {
        TestContext.Current.TestOutputHelper?.WriteLine(line);
        Console.WriteLine(line);
    }
}
