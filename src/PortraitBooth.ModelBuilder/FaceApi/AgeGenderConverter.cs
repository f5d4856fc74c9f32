using PortraitBooth.Inference.Packs;
using PortraitBooth.ModelBuilder.Onnx;

namespace PortraitBooth.ModelBuilder.FaceApi;

/// <summary>
/// face-api's AgeGenderNet as ONNX: "image" [B,3,112,112] RGB 0..255 → "age_gender" [B,3] = (age in years,
/// probability male, probability female), i.e. the age regression and the softmax of face-api's two gender logits
/// (index 0 male, as its predictAgeAndGender reads them) side by side in one row.
/// The feature extractor is face-api's TinyXception with two middle-flow blocks (xception/TinyXception.ts):
/// 112 → conv_in s2 → 56 → reduction 0 → 28 → reduction 1 → 14 → 2 main blocks → reduction → 7 → separable conv, relu;
/// then a 7×7 average pool and the two fully connected heads.
/// </summary>
public static class AgeGenderConverter
{
    public const int InputSide = 112;
    public const string OutputName = "age_gender";
    private const int MainBlocks = 2;

    public static byte[] Build(TfjsWeightMap weights)
    {
        var graph = new OnnxGraphBuilder("face_age_gender", float16Io: false);
        var tf = new TfLayers(graph, weights);
        var x = FaceApiImage.Normalised(graph, InputSide);

        x = Relu(tf, tf.Conv2d(x, "entry_flow/conv_in/filters", stride: 2, same: true, "entry_flow/conv_in/bias"));
        x = ReductionBlock(tf, x, "entry_flow/reduction_block_0", activateInput: false);
        x = ReductionBlock(tf, x, "entry_flow/reduction_block_1", activateInput: true);
        for (var block = 0; block < MainBlocks; block++) x = MainBlock(tf, x, $"middle_flow/main_block_{block}");
        x = ReductionBlock(tf, x, "exit_flow/reduction_block", activateInput: true);
        x = Relu(tf, Separable(tf, x, "exit_flow/separable_conv"));
        if (TfLayers.OutputSide(x.Side, 7, 2, same: false) != 1)
            throw new InvalidOperationException($"the feature extractor ends at side {x.Side}, not 7");

        var pooled = graph.Flatten(graph.AveragePool(x.Value, 7, 2));
        var age = tf.Dense(pooled, "fc/age/weights", "fc/age/bias");
        var gender = graph.Softmax(tf.Dense(pooled, "fc/gender/weights", "fc/gender/bias"));
        graph.FloatOutput(graph.Concat(1, age, gender), OutputName, TensorDim.Named("B"), TensorDim.Of(3));
        return graph.ToBytes();
    }

    /// <summary>
    /// reductionBlock: [relu] → separable → relu → separable → 3×3 max pool s2 'same', plus a 1×1 stride-2
    /// expansion conv of the block's input (not activated).
    /// </summary>
    private static SquareFeatureMap ReductionBlock(TfLayers tf, SquareFeatureMap x, string prefix, bool activateInput)
    {
        var output = Separable(tf, activateInput ? Relu(tf, x) : x, $"{prefix}/separable_conv0");
        output = Separable(tf, Relu(tf, output), $"{prefix}/separable_conv1");
        output = tf.MaxPool(output, 3, 2, same: true);
        var expansion = tf.Conv2d(x, $"{prefix}/expansion_conv/filters", stride: 2, same: true, $"{prefix}/expansion_conv/bias");
        return output with { Value = tf.Graph.Add(output.Value, expansion.Value) };
    }

    /// <summary>mainBlock: three relu → separable steps, plus the block's input.</summary>
    private static SquareFeatureMap MainBlock(TfLayers tf, SquareFeatureMap x, string prefix)
    {
        var output = Separable(tf, Relu(tf, x), $"{prefix}/separable_conv0");
        output = Separable(tf, Relu(tf, output), $"{prefix}/separable_conv1");
        output = Separable(tf, Relu(tf, output), $"{prefix}/separable_conv2");
        return output with { Value = tf.Graph.Add(output.Value, x.Value) };
    }

    private static SquareFeatureMap Separable(TfLayers tf, SquareFeatureMap x, string prefix) =>
        tf.SeparableConv2d(x, $"{prefix}/depthwise_filter", $"{prefix}/pointwise_filter", stride: 1, same: true, $"{prefix}/bias");

    private static SquareFeatureMap Relu(TfLayers tf, SquareFeatureMap x) => x with { Value = tf.Graph.Relu(x.Value) };
}
