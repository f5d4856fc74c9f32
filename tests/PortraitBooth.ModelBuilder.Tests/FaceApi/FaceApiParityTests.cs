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
        AssertWithin(1e-3f, descriptors, run.Reference, "recognizer",
            $"over {run.Batch}×128 descriptor values (descriptor |v| up to {run.Reference.Max(MathF.Abs):F3})");
        // The image overload prepares exactly the batch's rows.
        AssertWithin(1e-3f, [.. reference.Get().Crops.Select(recognizer.Describe)], run.Reference, "Describe(image)");
    }

    [Fact]
    public void Landmarks_match_face_api_within_half_a_percent_of_the_box()
    {
        var run = reference.Get().Landmarks;
        using var session = new InferenceSession(run.Onnx);
        using var landmarker = new FaceLandmarker(session);
        var points = landmarker.DetectUnit(run.Images, run.Batch);

        Assert.Equal(68, landmarker.PointCount);
        AssertWithin(0.005f, points, run.Reference, "landmarks", $"in unit coordinates of the 112 square over {run.Batch}×68 points");

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

        AssertWithin(1e-3f, [.. expressions.Select(e => e.Probabilities.ToArray())], run.Reference, "expression",
            $"over {run.Batch}×7 probabilities; dominant: {string.Join(", ", expressions.Select(e => e.Dominant))}");
        Assert.All(expressions, e => Assert.Equal(1f, e.Probabilities.Sum(), 1e-4f));
        AssertWithin(1e-3f, [.. reference.Get().Crops.Select(crop => classifier.Classify(crop).Probabilities.ToArray())], run.Reference, "Classify(image)");
    }

    [Fact]
    public void Age_and_gender_match_face_api()
    {
        var run = reference.Get().AgeGender;
        using var session = new InferenceSession(run.Onnx);
        using var estimator = new AgeGenderEstimator(session);
        var estimates = estimator.Estimate(run.Images, run.Batch);

        var ages = estimates.Select(e => new[] { e.Age }).ToArray();
        var males = estimates.Select(e => new[] { e.MaleProbability }).ToArray();
        AssertWithin(0.05f, ages, [.. Column(run.Reference, 0)], "age (years)",
            $"over {run.Batch} faces; ages {string.Join(", ", estimates.Select(e => e.Age.ToString("F1")))}");
        AssertWithin(1e-3f, males, [.. Column(run.Reference, 1)], "P(male)",
            $"over {run.Batch} faces; P(male) {string.Join(", ", estimates.Select(e => e.MaleProbability.ToString("F3")))}");
        Assert.All(Enumerable.Range(0, run.Batch), i => Assert.Equal(1f, run.Reference[3 * i + 1] + run.Reference[3 * i + 2], 1e-4f));
        AssertWithin(0.05f, [.. reference.Get().Crops.Select(crop => new[] { estimator.Estimate(crop).Age })], [.. Column(run.Reference, 0)], "Estimate(image)");
    }

    private static IEnumerable<float> Column(float[] rows, int column) => rows.Where((_, i) => i % 3 == column);

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

    /// <summary>Our rows, flattened, against face-api's values: reports the largest difference and fails above <paramref name="tolerance"/>.</summary>
    private static void AssertWithin(float tolerance, float[][] rows, float[] reference, string what, string? detail = null)
    {
        var values = rows.SelectMany(row => row).ToArray();
        Assert.Equal(reference.Length, values.Length);
        var error = values.Zip(reference, (a, b) => MathF.Abs(a - b)).Max();
        if (detail is not null) Report($"{what}: max |Δ| {error:E2} {detail}");
        Assert.True(error < tolerance, $"{what}: differs from face-api by up to {error} (tolerance {tolerance})");
    }

    private static void Report(string line) => TestContext.Current.TestOutputHelper?.WriteLine(line);
}
