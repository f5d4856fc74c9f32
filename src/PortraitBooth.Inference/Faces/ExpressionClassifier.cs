using Microsoft.ML.OnnxRuntime;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace PortraitBooth.Inference.Faces;

/// <summary>face-api's expression net (expression.onnx): seven expression probabilities of a face crop.</summary>
public sealed class ExpressionClassifier : IDisposable
{
    private readonly SquareImageSession _model;

    /// <summary>Uses <paramref name="session"/> without taking ownership of it.</summary>
    public ExpressionClassifier(InferenceSession session)
    {
        _model = new SquareImageSession(session, ownsSession: false);
        RequireSevenClasses();
    }

    public ExpressionClassifier(string modelPath)
    {
        _model = new SquareImageSession(new InferenceSession(modelPath), ownsSession: true);
        RequireSevenClasses();
    }

    public int InputSize => _model.Side;

    public FaceExpressions Classify(Image<Rgb24> crop) =>
        FaceExpressions.FromProbabilities(_model.Run(FaceApiInput.Prepare(crop, InputSize, centred: true).Tensor, 1)[0]);

    /// <summary>Classifies a batch of prepared images, planar RGB 0..255 [batch,3,InputSize,InputSize].</summary>
    public FaceExpressions[] Classify(float[] images, int batch) =>
        [.. _model.Run(images, batch).Select(FaceExpressions.FromProbabilities)];

    public void Dispose() => _model.Dispose();

    private void RequireSevenClasses()
    {
        if (_model.OutputWidth == FaceExpressions.Labels.Count) return;
        _model.Dispose();
        throw new ArgumentException($"the model gives {_model.OutputWidth} classes, not the {FaceExpressions.Labels.Count} expressions");
    }
}
