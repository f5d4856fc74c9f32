using Microsoft.ML.OnnxRuntime;
using PortraitBooth.Inference.Faces;
using PortraitBooth.Testing;

namespace PortraitBooth.ModelBuilder.Tests.FaceApi;

/// <summary>
/// The converted ONNX networks against face-api's own TF.js networks (wasm backend) on the same input tensors,
/// prepared from real photos; and our input preparation against face-api's NetInput.toBatchTensor.
/// </summary>
public sealed class FaceApiParityTests(FaceApiReferenceRun reference) : IClassFixture<FaceApiReferenceRun>
{
    [Fact]
    public void Recognizer_descriptors_match_face_api_within_1e_3()
    {
        var run = reference.Get().Recognition;
        using var session = new InferenceSession(run.Onnx);
        using var recognizer = new FaceRecognizer(session);
        var descriptors = recognizer.Describe(run.Images, run.Batch);

        Assert.Equal(128, recognizer.DescriptorLength);
        var error = MaxAbsDifference(descriptors, run.Reference);
        Report($"recognizer: max |Δ| {error:E2} over {run.Batch}×128 descriptor values (descriptor |v| up to {run.Reference.Max(MathF.Abs):F3})");
        Assert.True(error < 1e-3f, $"descriptors differ by up to {error}");

        // The image overload prepares exactly the batch's rows.
        var crops = reference.Get().Crops;
        var imageError = MaxAbsDifference([.. crops.Select(recognizer.Describe)], run.Reference);
        Assert.True(imageError < 1e-3f, $"Describe(image) differs by up to {imageError}");
    }

    [Fact]
    public void Landmarks_match_face_api_within_half_a_percent_of_the_box()
    {
        var run = reference.Get().Landmarks;
        using var session = new InferenceSession(run.Onnx);
        using var landmarker = new FaceLandmarker(session);
        var points = landmarker.DetectUnit(run.Images, run.Batch);

        Assert.Equal(68, landmarker.PointCount);
        var error = MaxAbsDifference(points, run.Reference);
        Report($"landmarks: max |Δ| {error:E2} in unit coordinates of the 112 square over {run.Batch}×68 points");
        Assert.True(error < 0.005f, $"landmarks differ by up to {error} of the box");

        // Detect(image) in crop pixels against face-api's unit coordinates mapped back through the same padding.
        var crops = reference.Get().Crops;
        for (var i = 0; i < crops.Count; i++)
        {
            var square = FaceApiInput.Prepare(crops[i], landmarker.InputSize, centred: true);
            var detected = landmarker.Detect(crops[i]);
            var side = Math.Max(crops[i].Width, crops[i].Height);
            for (var p = 0; p < detected.Length; p++)
            {
                var expected = square.ToImage(run.Reference[i * 136 + 2 * p], run.Reference[i * 136 + 2 * p + 1]);
                Assert.True(MathF.Abs(detected[p].X - expected.X) < 0.005f * side && MathF.Abs(detected[p].Y - expected.Y) < 0.005f * side,
                    $"crop {i} point {p}: {detected[p]} vs face-api's {expected}");
            }
        }
    }

    [Fact]
    public void Expression_probabilities_match_face_api_within_1e_3()
    {
        var run = reference.Get().Expression;
        using var session = new InferenceSession(run.Onnx);
        using var classifier = new ExpressionClassifier(session);
        var expressions = classifier.Classify(run.Images, run.Batch);

        var error = MaxAbsDifference([.. expressions.Select(e => e.Probabilities.ToArray())], run.Reference);
        Report($"expression: max |Δ| {error:E2} over {run.Batch}×7 probabilities; dominant: {string.Join(", ", expressions.Select(e => e.Dominant))}");
        Assert.True(error < 1e-3f, $"probabilities differ by up to {error}");
        Assert.All(expressions, e => Assert.Equal(1f, e.Probabilities.Sum(), 1e-4f));

        var crops = reference.Get().Crops;
        var imageError = MaxAbsDifference([.. crops.Select(crop => classifier.Classify(crop).Probabilities.ToArray())], run.Reference);
        Assert.True(imageError < 1e-3f, $"Classify(image) differs by up to {imageError}");
    }

    [Fact]
    public void Input_preparation_matches_face_api_toBatchTensor()
    {
        foreach (var input in reference.Get().Inputs)
        {
            var prepared = FaceApiInput.Prepare(input.Image, input.Size, input.Centred);
            Assert.Equal(input.Reference.Length, prepared.Tensor.Length);
            var error = prepared.Tensor.Zip(input.Reference, (a, b) => MathF.Abs(a - b)).Max();
            Report($"input {input.Label}: max |Δ| {error:E2} (pixel values 0..255)");
            Assert.True(error < 1e-2f, $"{input.Label}: prepared pixels differ by up to {error}");
        }
    }

    private static float MaxAbsDifference(float[][] rows, float[] reference)
    {
        var values = rows.SelectMany(row => row).ToArray();
        Assert.Equal(reference.Length, values.Length);
        return values.Zip(reference, (a, b) => MathF.Abs(a - b)).Max();
    }

    private static void Report(string line) => TestContext.Current.TestOutputHelper?.WriteLine(line);
}
