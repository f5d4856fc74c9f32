using PortraitBooth.Inference.Packs;
using PortraitBooth.ModelBuilder.Onnx;

namespace PortraitBooth.ModelBuilder.FaceApi;

/// <summary>
/// Converts face-api's SSD MobileNet v1 face detector (ssd_mobilenetv1_model, TF.js weights) to ONNX, following
/// face-api's SsdMobilenetv1.forwardInput: x/127.5 − 1 → mobileNetV1 → predictionLayer → outputLayer.
/// Contract: input "image" float32 [1,3,512,512] (planar RGB 0..255, padded square at the bottom/right);
/// outputs "boxes" [1,5118,4] = decoded [top,left,bottom,right] in [0,1] of the square, unclamped as in face-api,
/// and "scores" [1,5118] = sigmoid of class logit 1. Non-max suppression is left to the caller.
/// </summary>
public static class SsdMobilenetConverter
{
    public const int InputSize = 512;
    public const int AnchorCount = 5118;

    /// <summary>MobileNet layers (1-based) whose depthwise conv has stride 2 (face-api's getStridesForLayerIdx).</summary>
    private static readonly int[] StrideTwoLayers = [2, 4, 6, 12];

    /// <summary>tf.batchNorm's epsilon in face-api's mobileNetV1 (0.001 as float32).</summary>
    private const float BatchNormEpsilon = 0.001f;

    public static byte[] Build(TfjsWeightMap weights)
    {
        var graph = new OnnxGraphBuilder("face_api_ssd_mobilenetv1", float16Io: false);
        var tf = new TfLayers(graph, weights);
        var image = graph.FloatInput("image", TensorDim.Of(1), TensorDim.Of(3), TensorDim.Of(InputSize), TensorDim.Of(InputSize));
        // Same two operations as face-api (div then sub), so the rounding matches.
        var x = new SquareFeatureMap(graph.Sub(graph.Div(image, graph.FloatScalar(127.5f)), graph.FloatScalar(1f)), InputSize);

        var (features, conv11) = MobileNetV1(tf, x);
        var (boxEncodings, classLogits) = PredictionLayer(tf, features, conv11);

        graph.FloatOutput(DecodeBoxes(graph, boxEncodings, weights["Output/extra_dim"]), "boxes",
            TensorDim.Of(1), TensorDim.Of(AnchorCount), TensorDim.Of(4));
        var objectLogit = graph.Slice(classLogits, axis: 2, start: 1, end: 2);
        graph.FloatOutput(graph.Reshape(graph.Sigmoid(objectLogit), 1, AnchorCount), "scores",
            TensorDim.Of(1), TensorDim.Of(AnchorCount));
        return graph.ToBytes();
    }

    /// <summary>face-api's mobileNetV1: returns the final 1024-channel 16×16 map and conv 11's 512-channel 32×32 map.</summary>
    private static (SquareFeatureMap Output, SquareFeatureMap Conv11) MobileNetV1(TfLayers tf, SquareFeatureMap x)
    {
        var output = PointwiseConv(tf, x, "MobilenetV1/Conv2d_0_pointwise", stride: 2);
        SquareFeatureMap? conv11 = null;
        for (var layer = 1; layer <= 13; layer++)
        {
            var stride = StrideTwoLayers.Contains(layer) ? 2 : 1;
            output = DepthwiseConv(tf, output, $"MobilenetV1/Conv2d_{layer}_depthwise", stride);
            output = PointwiseConv(tf, output, $"MobilenetV1/Conv2d_{layer}_pointwise", stride: 1);
            if (layer == 11) conv11 = output;
        }
        return (output, conv11!.Value);
    }

    /// <summary>
    /// face-api's predictionLayer: eight extra convs (1×1 s1 / 3×3 s2 alternating: 16→8→4→2→1) and six box predictors
    /// on conv11, the MobileNet output and extra convs 1, 3, 5, 7 — concatenated in that order, as face-api does.
    /// Returns box encodings [1,5118,4] and class logits [1,5118,3].
    /// </summary>
    private static (string BoxEncodings, string ClassLogits) PredictionLayer(TfLayers tf, SquareFeatureMap features, SquareFeatureMap conv11)
    {
        var sources = new List<SquareFeatureMap> { conv11, features };
        var value = features;
        for (var i = 0; i < 8; i++)
        {
            var stride = i % 2 == 1 ? 2 : 1;
            value = PointwiseConv(tf, value, $"Prediction/Conv2d_{i}_pointwise", stride);
            if (stride == 2) sources.Add(value);
        }

        var boxEncodings = new List<string>();
        var classLogits = new List<string>();
        for (var i = 0; i < sources.Count; i++)
        {
            var path = $"Prediction/BoxPredictor_{i}";
            boxEncodings.Add(FlattenLikeTf(tf.Graph, Predictor(tf, sources[i], $"{path}/BoxEncodingPredictor"), 4));
            classLogits.Add(FlattenLikeTf(tf.Graph, Predictor(tf, sources[i], $"{path}/ClassPredictor"), 3));
        }
        return (tf.Graph.Concat(1, [.. boxEncodings]), tf.Graph.Concat(1, [.. classLogits]));
    }

    /// <summary>face-api's pointwiseConvLayer: conv2d 'same' + convolution_bn_offset, then relu6. Any kernel size.</summary>
    private static SquareFeatureMap PointwiseConv(TfLayers tf, SquareFeatureMap x, string path, int stride) =>
        tf.Relu6(tf.Conv2d(x, $"{path}/weights", stride, same: true, $"{path}/convolution_bn_offset"));

    /// <summary>face-api's depthwiseConvLayer: depthwise conv2d 'same', batch norm (ε 0.001), relu6.</summary>
    private static SquareFeatureMap DepthwiseConv(TfLayers tf, SquareFeatureMap x, string path, int stride) =>
        tf.Relu6(tf.BatchNorm(tf.DepthwiseConv2d(x, $"{path}/depthwise_weights", stride, same: true), $"{path}/BatchNorm", BatchNormEpsilon));

    /// <summary>face-api's convLayer as used by the box predictors: 1×1 conv + bias, no activation.</summary>
    private static string Predictor(TfLayers tf, SquareFeatureMap x, string path) =>
        tf.Conv2d(x, $"{path}/weights", stride: 1, same: true, $"{path}/biases").Value;

    /// <summary>
    /// face-api reshapes an NHWC predictor output [1,H,W,A·k] to [1,H·W·A,k]; our value is NCHW, so transpose to
    /// NHWC first, which puts the anchors in face-api's order (row, column, anchor).
    /// </summary>
    private static string FlattenLikeTf(OnnxGraphBuilder graph, string nchw, int valuesPerAnchor) =>
        graph.Reshape(graph.Transpose(nchw, 0, 2, 3, 1), 1, -1, valuesPerAnchor);

    /// <summary>
    /// face-api's outputLayer.decodeBoxesLayer against the anchors [y0,x0,y1,x1]:
    /// centre = t_yx/10·size_a + centre_a; half = exp(t_hw/5)·size_a/2; box = [centre − half, centre + half].
    /// The anchors' sizes and centres are computed here in float32, in face-api's order of operations.
    /// </summary>
    private static string DecodeBoxes(OnnxGraphBuilder graph, string encodings, TfjsTensor anchors)
    {
        if (anchors.Values.Length != AnchorCount * 4)
            throw new InvalidDataException($"Output/extra_dim holds {anchors.Values.Length / 4} anchors, expected {AnchorCount}");
        var sizes = new float[AnchorCount * 2];
        var centres = new float[AnchorCount * 2];
        for (var a = 0; a < AnchorCount; a++)
            for (var axis = 0; axis < 2; axis++)
            {
                var (start, end) = (anchors.Values[4 * a + axis], anchors.Values[4 * a + axis + 2]);
                var size = end - start;
                sizes[2 * a + axis] = size;
                centres[2 * a + axis] = start + size / 2f;
            }
        var anchorSizes = graph.Weight("Output/anchor_sizes", sizes, 1, AnchorCount, 2);
        var anchorCentres = graph.Weight("Output/anchor_centres", centres, 1, AnchorCount, 2);

        var offsets = graph.Slice(encodings, axis: 2, start: 0, end: 2);  // [ty, tx]
        var logScales = graph.Slice(encodings, axis: 2, start: 2, end: 4); // [th, tw]
        var centre = graph.Add(graph.Mul(graph.Div(offsets, graph.FloatScalar(10f)), anchorSizes), anchorCentres);
        var half = graph.Div(graph.Mul(graph.Exp(graph.Div(logScales, graph.FloatScalar(5f))), anchorSizes), graph.FloatScalar(2f));
        return graph.Concat(2, graph.Sub(centre, half), graph.Add(centre, half));
    }
}
