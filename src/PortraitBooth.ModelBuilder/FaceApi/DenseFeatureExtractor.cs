using PortraitBooth.ModelBuilder.Onnx;

namespace PortraitBooth.ModelBuilder.FaceApi;

/// <summary>
/// face-api's FaceFeatureExtractor, shared by the 68-point landmark net and the expression net:
/// "image" [B,3,112,112] → normalisation → four dense blocks (112→56→28→14→7) → 7x7 average pool → [B,256].
/// </summary>
internal static class DenseFeatureExtractor
{
    public const int InputSide = 112;

    public static string Features(TfLayers tf)
    {
        var x = FaceApiImage.Normalised(tf.Graph, InputSide);
        x = DenseBlock(tf, x, "dense0", isFirst: true);
        x = DenseBlock(tf, x, "dense1", isFirst: false);
        x = DenseBlock(tf, x, "dense2", isFirst: false);
        x = DenseBlock(tf, x, "dense3", isFirst: false);
        if (TfLayers.OutputSide(x.Side, 7, 2, same: false) != 1)
            throw new InvalidOperationException($"the dense blocks end at side {x.Side}, not 7");
        return tf.Graph.Flatten(tf.Graph.AveragePool(x.Value, 7, 2));
    }

    /// <summary>
    /// denseBlock4 of faceFeatureExtractor/denseBlock.ts: a stride-2 entry conv (a plain conv in the first block,
    /// separable elsewhere), then three separable convs each fed the relu of the sum of everything before it.
    /// The sums keep face-api's association order, out1 + (out2 + (out3 + out4)).
    /// </summary>
    private static SquareFeatureMap DenseBlock(TfLayers tf, SquareFeatureMap x, string prefix, bool isFirst)
    {
        var graph = tf.Graph;
        var entry = isFirst
            ? tf.Conv2d(x, $"{prefix}/conv0/filters", stride: 2, same: true, $"{prefix}/conv0/bias")
            : Separable(tf, x, $"{prefix}/conv0", stride: 2);
        var out1 = entry with { Value = graph.Relu(entry.Value) };
        var out2 = Separable(tf, out1, $"{prefix}/conv1", stride: 1);
        var in3 = out1 with { Value = graph.Relu(graph.Add(out1.Value, out2.Value)) };
        var out3 = Separable(tf, in3, $"{prefix}/conv2", stride: 1);
        var in4 = out1 with { Value = graph.Relu(graph.Add(out1.Value, graph.Add(out2.Value, out3.Value))) };
        var out4 = Separable(tf, in4, $"{prefix}/conv3", stride: 1);
        var sum = graph.Add(out1.Value, graph.Add(out2.Value, graph.Add(out3.Value, out4.Value)));
        return out1 with { Value = graph.Relu(sum) };
    }

    private static SquareFeatureMap Separable(TfLayers tf, SquareFeatureMap x, string prefix, int stride) =>
        tf.SeparableConv2d(x, $"{prefix}/depthwise_filter", $"{prefix}/pointwise_filter", stride, same: true, $"{prefix}/bias");
}
