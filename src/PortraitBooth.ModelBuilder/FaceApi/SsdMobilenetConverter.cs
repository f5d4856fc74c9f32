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

    public static byte[] Build(TfjsWeightMap weights)
    {
        var graph = new OnnxGraphBuilder("face_api_ssd_mobilenetv1", float16Io: false);
        var layers = new TfDetectorLayers(graph, weights);
        var image = graph.FloatInput("image", TensorDim.Of(1), TensorDim.Of(3), TensorDim.Of(InputSize), TensorDim.Of(InputSize));
        // Same two operations as face-api (div then sub), so the rounding matches.
        var x = graph.Node("Sub", [graph.Div(image, graph.FloatScalar(127.5f)), graph.FloatScalar(1f)]);

        var (features, conv11) = MobileNetV1(layers, x);
        var (boxEncodings, classLogits) = PredictionLayer(layers, features, conv11);

        graph.FloatOutput(DecodeBoxes(graph, boxEncodings, weights["Output/extra_dim"]), "boxes",
            TensorDim.Of(1), TensorDim.Of(AnchorCount), TensorDim.Of(4));
        var objectLogit = Slice(graph, classLogits, axis: 2, start: 1, end: 2);
        graph.FloatOutput(graph.Reshape(graph.Sigmoid(objectLogit), 1, AnchorCount), "scores",
            TensorDim.Of(1), TensorDim.Of(AnchorCount));
        return graph.ToBytes();
    }

    /// <summary>face-api's mobileNetV1: returns the final 1024-channel 16×16 map and conv 11's 512-channel 32×32 map.</summary>
    private static (string Output, string Conv11) MobileNetV1(TfDetectorLayers layers, string x)
    {
        var size = InputSize;
        var output = layers.ConvBnOffsetRelu6(x, "MobilenetV1/Conv2d_0_pointwise", size, stride: 2);
        size = TfDetectorLayers.SameOutputSize(size, 2);
        string? conv11 = null;
        for (var layer = 1; layer <= 13; layer++)
        {
            var stride = StrideTwoLayers.Contains(layer) ? 2 : 1;
            output = layers.DepthwiseBatchNormRelu6(output, $"MobilenetV1/Conv2d_{layer}_depthwise", size, stride);
            size = TfDetectorLayers.SameOutputSize(size, stride);
            output = layers.ConvBnOffsetRelu6(output, $"MobilenetV1/Conv2d_{layer}_pointwise", size, stride: 1);
            if (layer == 11) conv11 = output;
        }
        return (output, conv11!);
    }

    /// <summary>
    /// face-api's predictionLayer: eight extra convs (1×1 s1 / 3×3 s2 alternating: 16→8→4→2→1) and six box predictors
    /// on conv11, the MobileNet output and extra convs 1, 3, 5, 7 — concatenated in that order, as face-api does.
    /// Returns box encodings [1,5118,4] and class logits [1,5118,3].
    /// </summary>
    private static (string BoxEncodings, string ClassLogits) PredictionLayer(TfDetectorLayers layers, string features, string conv11)
    {
        var sources = new List<(string Value, int Size)> { (conv11, 32), (features, 16) };
        var (value, size) = (features, 16);
        for (var i = 0; i < 8; i++)
        {
            var stride = i % 2 == 1 ? 2 : 1;
            value = layers.ConvBnOffsetRelu6(value, $"Prediction/Conv2d_{i}_pointwise", size, stride);
            size = TfDetectorLayers.SameOutputSize(size, stride);
            if (stride == 2) sources.Add((value, size));
        }

        var boxEncodings = new List<string>();
        var classLogits = new List<string>();
        for (var i = 0; i < sources.Count; i++)
        {
            var (source, sourceSize) = sources[i];
            var path = $"Prediction/BoxPredictor_{i}";
            boxEncodings.Add(FlattenLikeTf(layers.Graph, layers.ConvBias(source, $"{path}/BoxEncodingPredictor", sourceSize), 4));
            classLogits.Add(FlattenLikeTf(layers.Graph, layers.ConvBias(source, $"{path}/ClassPredictor", sourceSize), 3));
        }
        return (layers.Graph.Concat(1, [.. boxEncodings]), layers.Graph.Concat(1, [.. classLogits]));
    }

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

        var offsets = Slice(graph, encodings, axis: 2, start: 0, end: 2);  // [ty, tx]
        var logScales = Slice(graph, encodings, axis: 2, start: 2, end: 4); // [th, tw]
        var centre = graph.Add(graph.Mul(graph.Div(offsets, graph.FloatScalar(10f)), anchorSizes), anchorCentres);
        var half = graph.Div(graph.Mul(graph.Node("Exp", [graph.Div(logScales, graph.FloatScalar(5f))]), anchorSizes), graph.FloatScalar(2f));
        return graph.Concat(2, graph.Node("Sub", [centre, half]), graph.Add(centre, half));
    }

    private static string Slice(OnnxGraphBuilder graph, string x, int axis, int start, int end) =>
        graph.Node("Slice", [x, graph.Int64s(start), graph.Int64s(end), graph.Int64s(axis)]);
}
