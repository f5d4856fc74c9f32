using Microsoft.ML.OnnxRuntime;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace PortraitBooth.Inference.Faces;

/// <summary>face-api's 68-point landmark net (landmarks.onnx) on a face crop, in the iBUG 68-point order.</summary>
public sealed class FaceLandmarker : FaceImageNetwork
{
    /// <summary>Uses <paramref name="session"/> without taking ownership of it.</summary>
    public FaceLandmarker(InferenceSession session) : base(session) { }

    public FaceLandmarker(string modelPath) : base(modelPath) { }

    public int PointCount => Model.OutputWidth / 2;

    /// <summary>The landmarks of a face crop, in the crop's pixel coordinates.</summary>
    public PointF[] Detect(Image<Rgb24> crop)
    {
        var input = FaceApiInput.Prepare(crop, InputSize, centred: true);
        var unit = Model.Run(input.Tensor, 1)[0];
        // Through the padding actually applied (face-api's own postProcess assumes half of it on each side).
        return [.. Enumerable.Range(0, PointCount).Select(i => input.ToImage(unit[2 * i], unit[2 * i + 1]))];
    }

    /// <summary>
    /// The raw network output for a batch of prepared images [batch,3,InputSize,InputSize]:
    /// per image (x0,y0,x1,y1,…) in [0,1] of the padded square.
    /// </summary>
    public float[][] DetectUnit(float[] images, int batch) => Model.Run(images, batch);
}
