using PortraitBooth.Inference.Packs;
using PortraitBooth.ModelBuilder.Onnx;

namespace PortraitBooth.ModelBuilder.FaceApi;

/// <summary>
/// face-api's FaceRecognitionNet (the dlib ResNet-34-like descriptor) as ONNX:
/// "image" [B,3,150,150] RGB 0..255 → "descriptor" [B,128] (not L2-normalised, like the original).
/// Layer for layer as face-api's faceRecognitionNet/*.ts, including residualDown's zero padding.
/// </summary>
public static class FaceRecognitionConverter
{
    public const int InputSide = 150;
    public const string OutputName = "descriptor";

    public static byte[] Build(TfjsWeightMap weights)
    {
        var graph = new OnnxGraphBuilder("face_recognition", float16Io: false);
        var tf = new TfLayers(graph, weights);
        var x = ConvLayer(tf, FaceApiImage.Normalised(graph, InputSide), "conv32_down", stride: 2, same: false, relu: true);
        x = new SquareFeatureMap(graph.MaxPool(x.Value, 3, 2), TfLayers.OutputSide(x.Side, 3, 2, same: false));

        x = Residual(tf, x, "conv32_1");
        x = Residual(tf, x, "conv32_2");
        x = Residual(tf, x, "conv32_3");
        x = ResidualDown(tf, x, "conv64_down");
        x = Residual(tf, x, "conv64_1");
        x = Residual(tf, x, "conv64_2");
        x = Residual(tf, x, "conv64_3");
        x = ResidualDown(tf, x, "conv128_down");
        x = Residual(tf, x, "conv128_1");
        x = Residual(tf, x, "conv128_2");
        x = ResidualDown(tf, x, "conv256_down");
        x = Residual(tf, x, "conv256_1");
        x = Residual(tf, x, "conv256_2");
        x = ResidualDown(tf, x, "conv256_down_out");

        var mean = graph.Flatten(graph.GlobalAveragePool(x.Value)); // out.mean([1, 2]) in NHWC
        var descriptorWidth = weights["fc"].Shape[1];
        graph.FloatOutput(tf.Dense(mean, "fc"), OutputName, TensorDim.Named("B"), TensorDim.Of(descriptorWidth));
        return graph.ToBytes();
    }

    /// <summary>conv2d + conv/bias, then the folded batch norm (· scale/weights + scale/biases), then relu unless told not to.</summary>
    private static SquareFeatureMap ConvLayer(TfLayers tf, SquareFeatureMap x, string prefix, int stride, bool same, bool relu)
    {
        var graph = tf.Graph;
        var convolved = tf.Conv2d(x, $"{prefix}/conv/filters", stride, same, $"{prefix}/conv/bias");
        var scaled = graph.Add(graph.Mul(convolved.Value, tf.ChannelVector($"{prefix}/scale/weights")),
            tf.ChannelVector($"{prefix}/scale/biases"));
        return convolved with { Value = relu ? graph.Relu(scaled) : scaled };
    }

    private static SquareFeatureMap Residual(TfLayers tf, SquareFeatureMap x, string prefix)
    {
        var branch = ConvLayer(tf, x, $"{prefix}/conv1", stride: 1, same: true, relu: true);
        branch = ConvLayer(tf, branch, $"{prefix}/conv2", stride: 1, same: true, relu: false);
        return branch with { Value = tf.Graph.Relu(tf.Graph.Add(branch.Value, x.Value)) };
    }

    /// <summary>
    /// The downsampling block: the conv branch starts with a VALID stride-2 conv; the shortcut is a 2x2 average pool
    /// with its channels zero-padded to the branch's. Where VALID loses a row the pool keeps (8→3 vs 4, 4→1 vs 2),
    /// face-api appends one zero row and one zero column to the branch before adding.
    /// </summary>
    private static SquareFeatureMap ResidualDown(TfLayers tf, SquareFeatureMap x, string prefix)
    {
        var graph = tf.Graph;
        var branch = ConvLayer(tf, x, $"{prefix}/conv1", stride: 2, same: false, relu: true);
        branch = ConvLayer(tf, branch, $"{prefix}/conv2", stride: 1, same: true, relu: false);

        var shortcut = graph.AveragePool(x.Value, 2, 2);
        var shortcutSide = TfLayers.OutputSide(x.Side, 2, 2, same: false);
        var filters = tf.Weights[$"{prefix}/conv1/conv/filters"].Shape; // [3, 3, in, out]
        var missingChannels = filters[3] - filters[2];
        if (missingChannels > 0) shortcut = graph.ZeroPad(shortcut, 0, 0, 0, 0, 0, missingChannels, 0, 0);

        var missingRows = shortcutSide - branch.Side;
        if (missingRows is < 0 or > 1) throw new InvalidOperationException($"{prefix}: branch side {branch.Side}, shortcut side {shortcutSide}");
        var padded = missingRows == 0 ? branch.Value : graph.ZeroPad(branch.Value, 0, 0, 0, 0, 0, 0, 1, 1);
        return new SquareFeatureMap(graph.Relu(graph.Add(shortcut, padded)), shortcutSide);
    }
}
