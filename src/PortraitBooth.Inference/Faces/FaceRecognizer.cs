using Microsoft.ML.OnnxRuntime;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace PortraitBooth.Inference.Faces;

/// <summary>
/// The face descriptor of face-api's recognition net (recognizer.onnx): 128 floats, compared by Euclidean
/// distance (face-api's same-person threshold is 0.6). Not L2-normalised, like the original.
/// </summary>
public sealed class FaceRecognizer : IDisposable
{
    private readonly SquareImageSession _model;

    /// <summary>Uses <paramref name="session"/> without taking ownership of it.</summary>
    public FaceRecognizer(InferenceSession session) => _model = new SquareImageSession(session, ownsSession: false);

    public FaceRecognizer(string modelPath) => _model = new SquareImageSession(new InferenceSession(modelPath), ownsSession: true);

    public int InputSize => _model.Side;
    public int DescriptorLength => _model.OutputWidth;

    /// <summary>Describes an aligned face image of any size: padded to a centred square and resized as face-api does.</summary>
    public float[] Describe(Image<Rgb24> face) =>
        _model.Run(FaceApiInput.Prepare(face, InputSize, centred: true).Tensor, 1)[0];

    /// <summary>Describes a batch of prepared images, planar RGB 0..255 [batch,3,InputSize,InputSize].</summary>
    public float[][] Describe(float[] images, int batch) => _model.Run(images, batch);

    public void Dispose() => _model.Dispose();
}
