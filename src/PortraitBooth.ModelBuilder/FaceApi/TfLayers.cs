using PortraitBooth.ModelBuilder.Onnx;

namespace PortraitBooth.ModelBuilder.FaceApi;

/// <summary>
/// TensorFlow layers written as NCHW ONNX nodes, with weights taken from a TF.js weight map and moved out of
/// TensorFlow's layouts: conv filters HWIO → OIHW, depthwise [kh,kw,C,1] → [C,1,kh,kw] (group = C), dense [in,out]
/// kept as is (x·W). 'same' padding follows TensorFlow's rule exactly, the odd pixel going to the bottom/right,
/// so every value matches face-api's position for position. Serves all five face-api networks.
/// </summary>
internal sealed class TfLayers(OnnxGraphBuilder graph, TfjsWeightMap weights)
{
    private readonly Dictionary<string, string> _converted = [];

    public OnnxGraphBuilder Graph => graph;
    public TfjsWeightMap Weights => weights;

    /// <summary>
    /// TensorFlow's 'same' padding of one axis: total = max((⌈in/s⌉−1)·s + k − in, 0), the smaller half before
    /// (top/left) and the larger after (bottom/right). So 3×3 stride 2 on an even side pads 0 before, 1 after.
    /// </summary>
    public static (int Begin, int End) SamePadding(int inputSide, int kernel, int stride)
    {
        var output = (inputSide + stride - 1) / stride;
        var total = Math.Max((output - 1) * stride + kernel - inputSide, 0);
        return (total / 2, total - total / 2);
    }

    public static int OutputSide(int inputSide, int kernel, int stride, bool same) =>
        same ? (inputSide + stride - 1) / stride : (inputSide - kernel) / stride + 1;

    /// <summary>tf.conv2d with HWIO <paramref name="filters"/>, plus an optional bias vector (the TF.js tensor names).</summary>
    public SquareFeatureMap Conv2d(SquareFeatureMap x, string filters, int stride, bool same, string? bias = null)
    {
        var shape = weights[filters].Shape; // [kh, kw, in, out]
        if (shape[0] != shape[1]) throw new NotSupportedException($"{filters}: only square kernels are handled");
        var weight = Converted(filters, () => graph.Weight(filters, HwioToOihw(weights[filters]), shape[3], shape[2], shape[0], shape[1]));
        return Convolve(x, weight, bias is null ? "" : Vector(bias), shape[0], stride, same, group: 1);
    }

    /// <summary>tf.depthwiseConv2d with a channel multiplier of 1 (filter [kh,kw,C,1]), as an ONNX grouped conv.</summary>
    public SquareFeatureMap DepthwiseConv2d(SquareFeatureMap x, string filter, int stride, bool same)
    {
        var shape = weights[filter].Shape;
        if (shape[3] != 1 || shape[0] != shape[1]) throw new NotSupportedException($"{filter}: only square depthwise filters of multiplier 1 are handled");
        var weight = Converted(filter, () => graph.Weight(filter, HwioToOihw(weights[filter]), shape[2], 1, shape[0], shape[1]));
        return Convolve(x, weight, "", shape[0], stride, same, group: shape[2]);
    }

    /// <summary>tf.separableConv2d (depthwise with the stride and padding, then pointwise 1x1), plus a bias vector.</summary>
    public SquareFeatureMap SeparableConv2d(SquareFeatureMap x, string depthwiseFilter, string pointwiseFilter, int stride, bool same, string bias) =>
        Conv2d(DepthwiseConv2d(x, depthwiseFilter, stride, same), pointwiseFilter, 1, same: false, bias);

    /// <summary>
    /// tf.batchNorm in inference form, kept as one node rather than folded into the preceding filter so that the
    /// arithmetic follows TensorFlow's order. The four vectors are named by the TF.js tensors under <paramref name="prefix"/>.
    /// </summary>
    public SquareFeatureMap BatchNorm(SquareFeatureMap x, string prefix, float epsilon) =>
        x with
        {
            Value = graph.BatchNormalization(x.Value, Vector($"{prefix}/gamma"), Vector($"{prefix}/beta"),
                Vector($"{prefix}/moving_mean"), Vector($"{prefix}/moving_variance"), epsilon),
        };

    /// <summary>tf.relu6 = clipByValue(x, 0, 6).</summary>
    public SquareFeatureMap Relu6(SquareFeatureMap x) => x with { Value = graph.Clip(x.Value, 0f, 6f) };

    /// <summary>A per-channel vector shaped [C,1,1] so that it broadcasts over an NCHW value.</summary>
    public string ChannelVector(string name)
    {
        var tensor = weights[name];
        return Converted(name + "#channel", () => graph.Weight(name, tensor.Values, tensor.Values.Length, 1, 1));
    }

    /// <summary>x·W (+ b) with W in TF.js's [in, out] layout.</summary>
    public string Dense(string x, string weight, string? bias = null)
    {
        var shape = weights[weight].Shape;
        var product = graph.MatMul(x, Converted(weight, () => graph.Weight(weight, weights[weight].Values, shape[0], shape[1])));
        return bias is null ? product : graph.Add(product, Vector(bias));
    }

    /// <summary>[kh,kw,in,out] → [out,in,kh,kw]; a depthwise [kh,kw,C,1] comes out as [1,C,kh,kw], i.e. [C,1,kh,kw]'s values.</summary>
    public static float[] HwioToOihw(float[] hwio, int kh, int kw, int inputs, int outputs)
    {
        var oihw = new float[hwio.Length];
        for (var h = 0; h < kh; h++)
            for (var w = 0; w < kw; w++)
                for (var i = 0; i < inputs; i++)
                    for (var o = 0; o < outputs; o++)
                        oihw[((o * inputs + i) * kh + h) * kw + w] = hwio[((h * kw + w) * inputs + i) * outputs + o];
        return oihw;
    }

    private static float[] HwioToOihw(TfjsTensor tensor) =>
        HwioToOihw(tensor.Values, tensor.Shape[0], tensor.Shape[1], tensor.Shape[2], tensor.Shape[3]);

    private SquareFeatureMap Convolve(SquareFeatureMap x, string weight, string bias, int kernel, int stride, bool same, int group)
    {
        var (begin, end) = same ? SamePadding(x.Side, kernel, stride) : (0, 0);
        var value = graph.Conv(x.Value, weight, bias, kernel, kernel, stride, [begin, begin, end, end], group);
        return new SquareFeatureMap(value, OutputSide(x.Side, kernel, stride, same));
    }

    /// <summary>A plain 1-D vector [n] (conv and dense biases, batch-norm parameters).</summary>
    private string Vector(string name) => Converted(name, () => graph.Weight(name, weights[name].Values, weights[name].Values.Length));

    /// <summary>Each TF.js tensor becomes one initializer, however often a layer refers to it.</summary>
    private string Converted(string key, Func<string> convert)
    {
        if (!_converted.TryGetValue(key, out var name)) _converted.Add(key, name = convert());
        return name;
    }
}
