using PortraitBooth.Inference.Packs;
using PortraitBooth.ModelBuilder.Onnx;

namespace PortraitBooth.ModelBuilder.FaceApi;

/// <summary>
/// face-api's FaceLandmark68Net as ONNX: "image" [B,3,112,112] RGB 0..255 → "landmarks" [B,136] = (x0,y0,x1,y1,…)
/// in [0,1] of the padded 112 square, i.e. the fc output before face-api's own postProcess rescaling.
/// </summary>
public static class FaceLandmarkConverter
{
    public const int InputSide = DenseFeatureExtractor.InputSide;
    public const string OutputName = "landmarks";

    public static byte[] Build(TfjsWeightMap weights)
    {
        var graph = new OnnxGraphBuilder("face_landmark_68", float16Io: false);
        var tf = new TfLayers(graph, weights);
        var coordinates = tf.Dense(DenseFeatureExtractor.Features(tf), "fc/weights", "fc/bias");
        graph.FloatOutput(coordinates, OutputName, TensorDim.Named("B"), TensorDim.Of(weights["fc/weights"].Shape[1]));
        return graph.ToBytes();
    }
}
