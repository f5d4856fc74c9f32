using PortraitBooth.Inference.Packs;
using PortraitBooth.ModelBuilder.Onnx;

namespace PortraitBooth.ModelBuilder.FaceApi;

/// <summary>
/// face-api's AgeGenderNet as ONNX: "image" [B,3,112,112] RGB 0..255 → "age_gender" [B,3] = (age in years,
/// P(male), P(female)), the two heads side by side so the net has one output like the other face networks.
/// Its feature extractor is TinyXception with two middle blocks (xception/TinyXception.ts), its heads two dense
/// layers on the 7×7-average-pooled 512 features (ageGenderNet/AgeGenderNet.ts), gender through a softmax.
/// </summary>
public static class AgeGenderConverter
{
    public const int InputSide = 112;
    public const string OutputName = "age_gender";
    private const int MiddleBlocks = 2;

    public static byte[] Build(TfjsWeightMap weights)
    {
        var graph = new OnnxGraphBuilder("age_gender", float16Io: false);
        var tf = new TfLayers(graph, weights);
        var x = FaceApiImage.Normalised(graph, InputSide);
        x = Relu(tf, tf.Conv2d(x, "entry_flow/conv_in/filters", stride: 2, same: true, "entry_flow/conv_in/bias"));
        x = ReductionBlock(tf, x, "entry_flow/reduction_block_0", activateInput: false);
        x = ReductionBlock(tf, x, "entry_flow/reduction_block_1", activateInput: true);
        for (var n = 0; n < MiddleBlocks; n++) x = MainBlock(tf, x, $"middle_flow/main_block_{n}");
        x = ReductionBlock(tf, x, "exit_flow/reduction_block", activateInput: true);
        x = Relu(tf, Separable(tf, x, "exit_flow/separable_conv"));
        if (TfLayers.OutputSide(x.Side, 7, 2, same: false) != 1)
            throw new InvalidOperationException($"TinyXception ends at side {x.Side}, not 7");
        var pooled = graph.Flatten(graph.AveragePool(x.Value, 7, 2));
        var age = tf.Dense(pooled, "fc/age/weights", "fc/age/bias");
        var gender = graph.Softmax(tf.Dense(pooled, "fc/gender/weights", "fc/gender/bias"));
        graph.FloatOutput(graph.Concat(1, age, gender), OutputName, TensorDim.Named("B"), TensorDim.Of(3));
        return graph.ToBytes();
    }

    /// <summary>reductionBlock: two separable convs, a 3×3 stride-2 'same' max pool, plus a stride-2 1×1 conv of the input.</summary>
    private static SquareFeatureMap ReductionBlock(TfLayers tf, SquareFeatureMap x, string prefix, bool activateInput)
    {
        var input = activateInput ? Relu(tf, x) : x;
        var y = Separable(tf, input, $"{prefix}/separable_conv0");
        y = Separable(tf, Relu(tf, y), $"{prefix}/separable_conv1");
        var (begin, end) = TfLayers.SamePadding(y.Side, 3, 2);
        var pooled = new SquareFeatureMap(tf.Graph.MaxPool(y.Value, 3, 2, [begin, begin, end, end]), TfLayers.OutputSide(y.Side, 3, 2, same: true));
        var expansion = tf.Conv2d(x, $"{prefix}/expansion_conv/filters", stride: 2, same: true, $"{prefix}/expansion_conv/bias");
        return pooled with { Value = tf.Graph.Add(pooled.Value, expansion.Value) };
    }

    /// <summary>mainBlock: three relu → separable conv steps with the input added back.</summary>
    private static SquareFeatureMap MainBlock(TfLayers tf, SquareFeatureMap x, string prefix)
    {
        var y = x;
        for (var n = 0; n < 3; n++) y = Separable(tf, Relu(tf, y), $"{prefix}/separable_conv{n}");
        return y with { Value = tf.Graph.Add(y.Value, x.Value) };
    }

    private static SquareFeatureMap Separable(TfLayers tf, SquareFeatureMap x, string prefix) =>
        tf.SeparableConv2d(x, $"{prefix}/depthwise_filter", $"{prefix}/pointwise_filter", stride: 1, same: true, $"{prefix}/bias");

    private static SquareFeatureMap Relu(TfLayers tf, SquareFeatureMap x) => x with { Value = tf.Graph.Relu(x.Value) };
}
