using Microsoft.ML.OnnxRuntime;
using PortraitBooth.ModelBuilder.FaceApi;
using PortraitBooth.Testing;

namespace PortraitBooth.ModelBuilder.Tests.FaceApi;

/// <summary>The converters' ONNX contract: names, shapes with a free batch axis, and byte-identical rebuilds.</summary>
public sealed class FaceApiConverterTests
{
    public static TheoryData<string, string, int, string, int> Networks => new()
    {
        { "face_recognition_model", "image", 150, "descriptor", 128 },
        { "face_landmark_68_model", "image", 112, "landmarks", 136 },
        { "face_expression_model", "image", 112, "probabilities", 7 },
        { "age_gender_model", "image", 112, "age_gender", 3 },
    };

    [Theory]
    [MemberData(nameof(Networks))]
    public void Converted_graph_has_the_contracted_input_and_output(string manifest, string input, int side, string output, int width)
    {
        var weights = TfjsWeightMap.Load(Path.Combine(FaceApiReference.ModelDirectory, $"{manifest}-weights_manifest.json"));
        var onnx = Build(manifest, weights);
        Assert.Equal(onnx, Build(manifest, weights));

        using var session = new InferenceSession(onnx);
        var (inputName, inputMeta) = Assert.Single(session.InputMetadata);
        var (outputName, outputMeta) = Assert.Single(session.OutputMetadata);
        Assert.Equal(input, inputName);
        Assert.Equal([-1, 3, side, side], inputMeta.Dimensions);
        Assert.Equal(output, outputName);
        Assert.Equal([-1, width], outputMeta.Dimensions);
        TestContext.Current.TestOutputHelper?.WriteLine($"{manifest}: {onnx.Length:N0} bytes of ONNX");
    }

    private static byte[] Build(string manifest, TfjsWeightMap weights) => manifest switch
    {
        "face_recognition_model" => FaceRecognitionConverter.Build(weights),
        "face_landmark_68_model" => FaceLandmarkConverter.Build(weights),
        "face_expression_model" => FaceExpressionConverter.Build(weights),
        "age_gender_model" => AgeGenderConverter.Build(weights),
        _ => throw new ArgumentException(manifest),
    };
}
