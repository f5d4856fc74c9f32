using PortraitBooth.Inference.Packs;
using PortraitBooth.ModelBuilder.Onnx;

namespace PortraitBooth.ModelBuilder.FaceApi;

/// <summary>
/// The "image" input shared by face-api's recognition, landmark and expression nets: planar RGB in 0..255,
/// normalised inside the graph as face-api's forwardInput does, (x − mean RGB) / 255 (a subtraction, then a division).
/// </summary>
internal static class FaceApiImage
{
    public const string InputName = "image";

    private static readonly float[] MeanRgb = [122.782f, 117.001f, 104.298f];

    public static SquareFeatureMap Normalised(OnnxGraphBuilder graph, int side)
    {
        var image = graph.FloatInput(InputName, TensorDim.Named("B"), TensorDim.Of(3), TensorDim.Of(side), TensorDim.Of(side));
        var centred = graph.Sub(image, graph.Weight("mean_rgb", MeanRgb, 1, 3, 1, 1));
        return new SquareFeatureMap(graph.Div(centred, graph.FloatScalar(255f)), side);
    }
}
