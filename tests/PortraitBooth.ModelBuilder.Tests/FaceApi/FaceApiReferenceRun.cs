using System.Text.Json;
using PortraitBooth.Inference.Faces;
using PortraitBooth.ModelBuilder.FaceApi;
using PortraitBooth.Testing;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace PortraitBooth.ModelBuilder.Tests.FaceApi;

/// <summary>One prepared batch of a network: the input tensor both sides see, face-api's output and our ONNX graph.</summary>
public sealed record NetworkCase(float[] Images, int Batch, float[] Reference, byte[] Onnx);

/// <summary>An image given to face-api's NetInput.toBatchTensor and to <see cref="FaceApiInput.Prepare"/>.</summary>
public sealed record InputCase(string Label, Image<Rgb24> Image, int Size, bool Centred, float[] Reference);

/// <summary>
/// Prepares every input from the photos, writes them to a temporary folder, runs face-api's own networks on them in
/// one Node process (TF.js start-up is the slow part) and keeps the outputs. Done once per test class, lazily, so a
/// missing reference set-up skips (or, in CI, fails) each test with the reason. Nothing derived from the photos is kept.
/// </summary>
public sealed class FaceApiReferenceRun : IDisposable
{
    private readonly Lazy<Outputs> _outputs = new(Compute);

    /// <param name="Crops">The photos behind the network batches, in batch order.</param>
    public sealed record Outputs(IReadOnlyList<Image<Rgb24>> Crops, NetworkCase Recognition, NetworkCase Landmarks, NetworkCase Expression,
        NetworkCase AgeGender, IReadOnlyList<InputCase> Inputs);

    public Outputs Get() => _outputs.Value;

    private static Outputs Compute()
    {
        var models = FaceApiReference.ModelDirectory;
        var crops = FaceCrops.Load();
        var folder = Directory.CreateTempSubdirectory("faceapi-parity-");
        try
        {
            var jobs = new List<object>();
            string File(string name) => Path.Combine(folder.FullName, name);

            var small = crops.Count;
            var recognitionImages = FaceCrops.Batch(crops, FaceRecognitionConverter.InputSide);
            var denseImages = FaceCrops.Batch(crops, FaceLandmarkConverter.InputSide);
            ReferenceTensorFiles.Write(File("recognition.in"), recognitionImages);
            ReferenceTensorFiles.Write(File("dense.in"), denseImages);
            jobs.Add(NetJob("recognition", File("recognition.in"), small, FaceRecognitionConverter.InputSide, File("recognition.out")));
            jobs.Add(NetJob("landmarks", File("dense.in"), small, FaceLandmarkConverter.InputSide, File("landmarks.out")));
            jobs.Add(NetJob("expression", File("dense.in"), small, FaceExpressionConverter.InputSide, File("expression.out")));
            jobs.Add(NetJob("age_gender", File("dense.in"), small, AgeGenderConverter.InputSide, File("age_gender.out")));

            // Small odd-sized crops, so padding splits unevenly and the resize both shrinks and enlarges.
            var inputImages = new (string Label, Image<Rgb24> Image, int Size, bool Centred)[]
            {
                ("wide 97x60 → 150 centred", crops[0].Clone(c => c.Crop(new Rectangle(40, 70, 97, 60))), 150, true),
                ("tall 61x180 → 112 centred", crops[1].Clone(c => c.Crop(new Rectangle(20, 30, 61, 180))), 112, true),
                ("tall 61x180 → 112 at the top left", crops[1].Clone(c => c.Crop(new Rectangle(20, 30, 61, 180))), 112, false),
            };
            for (var i = 0; i < inputImages.Length; i++)
            {
                var (_, image, size, centred) = inputImages[i];
                ReferenceTensorFiles.Write(File($"input{i}.in"), ReferenceTensorFiles.Hwc(image));
                jobs.Add(new { job = "input", input = File($"input{i}.in"), shape = new[] { image.Height, image.Width, 3 }, size, centred, output = File($"input{i}.out") });
            }

            System.IO.File.WriteAllText(File("jobs.json"), JsonSerializer.Serialize(jobs));
            FaceApiReference.RunNode("nets.js", File("jobs.json"));

            var weights = (string name) => TfjsWeightMap.Load(Path.Combine(models, $"{name}-weights_manifest.json"));
            return new Outputs(crops,
                new NetworkCase(recognitionImages, small, ReferenceTensorFiles.Read(File("recognition.out")), FaceRecognitionConverter.Build(weights("face_recognition_model"))),
                new NetworkCase(denseImages, small, ReferenceTensorFiles.Read(File("landmarks.out")), FaceLandmarkConverter.Build(weights("face_landmark_68_model"))),
                new NetworkCase(denseImages, small, ReferenceTensorFiles.Read(File("expression.out")), FaceExpressionConverter.Build(weights("face_expression_model"))),
                new NetworkCase(denseImages, small, ReferenceTensorFiles.Read(File("age_gender.out")), AgeGenderConverter.Build(weights("age_gender_model"))),
                [.. inputImages.Select((input, i) => new InputCase(input.Label, input.Image, input.Size, input.Centred, ReferenceTensorFiles.Read(File($"input{i}.out"))))]);
        }
        catch
        {
            foreach (var crop in crops) crop.Dispose();
            throw;
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static object NetJob(string job, string input, int batch, int side, string output) =>
        new { job, input, shape = new[] { batch, 3, side, side }, output };

    public void Dispose()
    {
        if (!_outputs.IsValueCreated) return;
        foreach (var input in _outputs.Value.Inputs) input.Image.Dispose();
        foreach (var crop in _outputs.Value.Crops) crop.Dispose();
    }
}
