using PortraitBooth.ModelBuilder.Onnx;
using static PortraitBooth.ModelBuilder.Onnx.OnnxGraphBuilder;

namespace PortraitBooth.ModelBuilder.FaceApi;

/// <summary>
/// TF.js layers of face-api's SSD MobileNet v1, written as ONNX on NCHW values with the original weights:
/// filters are moved from TF's HWIO to ONNX's OIHW, and TF's 'same' padding becomes explicit static pads
/// (the odd pixel goes at the bottom/right, as in TensorFlow), so every tensor matches face-api's position for position.
/// </summary>
internal sealed class TfDetectorLayers(OnnxGraphBuilder graph, TfjsWeightMap weights)
{
    /// <summary>tf.batchNorm's epsilon in face-api's mobileNetV1 (0.001 as float32).</summary>
    private const float BatchNormEpsilon = 0.001f;

    public OnnxGraphBuilder Graph => graph;

    /// <summary>face-api's pointwiseConvLayer: conv2d 'same' + convolution_bn_offset, then relu6. Any kernel size.</summary>
    public string ConvBnOffsetRelu6(string x, string path, int inputSize, int stride)
    {
        var filter = weights[$"{path}/weights"];
        var y = Conv(x, Hwio(filter, path), graph.Weight($"{path}/convolution_bn_offset", weights[$"{path}/convolution_bn_offset"].Values, filter.Shape[3]),
            filter.Shape[0], inputSize, stride, group: 1);
        return Relu6(y);
    }

    /// <summary>face-api's depthwiseConvLayer: depthwise conv2d 'same', batch norm (eps 0.001), relu6.</summary>
    public string DepthwiseBatchNormRelu6(string x, string path, int inputSize, int stride)
    {
        var filter = weights[$"{path}/depthwise_weights"];
        var channels = filter.Shape[2];
        var y = Conv(x, Depthwise(filter, path), bias: null, filter.Shape[0], inputSize, stride, group: channels);
        string Vector(string name) => graph.Weight($"{path}/BatchNorm/{name}", weights[$"{path}/BatchNorm/{name}"].Values, channels);
        // Kept explicit rather than folded into the filter, so the arithmetic follows tf.batchNorm's order.
        y = graph.Node("BatchNormalization", [y, Vector("gamma"), Vector("beta"), Vector("moving_mean"), Vector("moving_variance")],
            FloatAttribute("epsilon", BatchNormEpsilon));
        return Relu6(y);
    }

    /// <summary>face-api's convLayer as used by the box predictors: 1×1 conv + bias, no activation.</summary>
    public string ConvBias(string x, string path, int inputSize)
    {
        var filter = weights[$"{path}/weights"];
        var bias = graph.Weight($"{path}/biases", weights[$"{path}/biases"].Values, filter.Shape[3]);
        return Conv(x, Hwio(filter, path), bias, filter.Shape[0], inputSize, stride: 1, group: 1);
    }

    /// <summary>relu6 = clipByValue(x, 0, 6).</summary>
    public string Relu6(string x) => graph.Node("Clip", [x, graph.FloatScalar(0f), graph.FloatScalar(6f)]);

    /// <summary>
    /// TF 'same' padding for a square input: output ceil(in/stride); the total pad is split with the smaller half
    /// before (top/left) and the larger after (bottom/right). So 3×3 stride 2 on an even size pads 0 before, 1 after.
    /// </summary>
    public static (int Before, int After) SamePadding(int inputSize, int kernel, int stride)
    {
        var outputSize = (inputSize + stride - 1) / stride;
        var total = Math.Max((outputSize - 1) * stride + kernel - inputSize, 0);
        return (total / 2, total - total / 2);
    }

    /// <summary>The spatial size after a TF 'same' convolution.</summary>
    public static int SameOutputSize(int inputSize, int stride) => (inputSize + stride - 1) / stride;

    /// <summary>A conv2d filter [kh,kw,in,out] (HWIO) as ONNX's [out,in,kh,kw].</summary>
    public static float[] HwioToOihw(float[] hwio, int kh, int kw, int inChannels, int outChannels)
    {
        var oihw = new float[hwio.Length];
        for (var h = 0; h < kh; h++)
            for (var w = 0; w < kw; w++)
                for (var i = 0; i < inChannels; i++)
                    for (var o = 0; o < outChannels; o++)
                        oihw[((o * inChannels + i) * kh + h) * kw + w] = hwio[((h * kw + w) * inChannels + i) * outChannels + o];
        return oihw;
    }

    private string Hwio(TfjsTensor filter, string path)
    {
        var (kh, kw, inChannels, outChannels) = (filter.Shape[0], filter.Shape[1], filter.Shape[2], filter.Shape[3]);
        return graph.Weight($"{path}/weights", HwioToOihw(filter.Values, kh, kw, inChannels, outChannels), outChannels, inChannels, kh, kw);
    }

    /// <summary>A depthwise filter [kh,kw,in,1] becomes [in,1,kh,kw] for a Conv with group = in.</summary>
    private string Depthwise(TfjsTensor filter, string path)
    {
        var (kh, kw, channels) = (filter.Shape[0], filter.Shape[1], filter.Shape[2]);
        if (filter.Shape[3] != 1) throw new InvalidDataException($"{path}: depthwise channel multiplier must be 1");
        // With one output per input channel, HWIO→OIHW lays [kh,kw,in,1] out as [in,1,kh,kw].
        return graph.Weight($"{path}/depthwise_weights", HwioToOihw(filter.Values, kh, kw, channels, 1), channels, 1, kh, kw);
    }

    private string Conv(string x, string filter, string? bias, int kernel, int inputSize, int stride, int group)
    {
        var (before, after) = SamePadding(inputSize, kernel, stride);
        return graph.Node("Conv", bias is null ? [x, filter] : [x, filter, bias],
            IntsAttribute("kernel_shape", kernel, kernel),
            IntsAttribute("strides", stride, stride),
            IntsAttribute("pads", before, before, after, after),
            IntAttribute("group", group));
    }
}
