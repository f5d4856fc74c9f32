using Microsoft.ML.OnnxRuntime;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace PortraitBooth.Inference.Faces;

/// <summary>
/// The face descriptor of face-api's recognition net (recognizer.onnx): 128 floats, compared by Euclidean
/// distance (face-api's same-person threshold is 0.6). Not L2-normalised, like the original.
/// </summary>
public sealed class FaceRecognizer : FaceImageNetwork
{
    /// <summary>Uses <paramref name="session"/> without taking ownership of it.</summary>
    public FaceRecognizer(InferenceSession session) : base(session) { }

    public FaceRecognizer(string modelPath) : base(modelPath) { }

    public int DescriptorLength => Model.OutputWidth;

    /// <summary>Describes an aligned face image of any size: padded to a centred square and resized as face-api does.</summary>
    public float[] Describe(Image<Rgb24> face) =>
        Model.Run(FaceApiInput.Prepare(face, InputSize, centred: true).Tensor, 1)[0];

    /// <summary>Describes a batch of prepared images, planar RGB 0..255 [batch,3,InputSize,InputSize].</summary>
    public float[][] Describe(float[] images, int batch) => Model.Run(images, batch);
}
