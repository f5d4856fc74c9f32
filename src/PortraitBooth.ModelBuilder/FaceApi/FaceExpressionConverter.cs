using PortraitBooth.Inference.Packs;
using PortraitBooth.ModelBuilder.Onnx;

namespace PortraitBooth.ModelBuilder.FaceApi;

/// <summary>
/// face-api's FaceExpressionNet as ONNX: "image" [B,3,112,112] RGB 0..255 → "probabilities" [B,7] (softmax),
/// in the order neutral, happy, sad, angry, fearful, disgusted, surprised.
/// </summary>
public static class FaceExpressionConverter
{
    public const int InputSide = DenseFeatureExtractor.InputSide;
    public const string OutputName = "probabilities";

    public static byte[] Build(TfjsWeightMap weights)
    {
        var graph = new OnnxGraphBuilder("face_expression", float16Io: false);
        var tf = new TfLayers(graph, weights);
        var logits = tf.Dense(DenseFeatureExtractor.Features(tf), "fc/weights", "fc/bias");
        graph.FloatOutput(graph.Softmax(logits), OutputName, TensorDim.Named("B"), TensorDim.Of(weights["fc/weights"].Shape[1]));
        return graph.ToBytes();
    }
}
