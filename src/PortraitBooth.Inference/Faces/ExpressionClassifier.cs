using Microsoft.ML.OnnxRuntime;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace PortraitBooth.Inference.Faces;

/// <summary>face-api's expression net (expression.onnx): seven expression probabilities of a face crop.</summary>
public sealed class ExpressionClassifier : FaceImageNetwork
{
    /// <summary>Uses <paramref name="session"/> without taking ownership of it.</summary>
    public ExpressionClassifier(InferenceSession session) : base(session) => RequireSevenClasses();

    public ExpressionClassifier(string modelPath) : base(modelPath) => RequireSevenClasses();


    public FaceExpressions Classify(Image<Rgb24> crop) =>
        FaceExpressions.FromProbabilities(Model.Run(FaceApiInput.Prepare(crop, InputSize, centred: true).Tensor, 1)[0]);

    /// <summary>Classifies a batch of prepared images, planar RGB 0..255 [batch,3,InputSize,InputSize].</summary>
    public FaceExpressions[] Classify(float[] images, int batch) =>
        [.. Model.Run(images, batch).Select(FaceExpressions.FromProbabilities)];

    private void RequireSevenClasses()
    {
        if (Model.OutputWidth == FaceExpressions.Labels.Count) return;
        Model.Dispose();
        throw new ArgumentException($"the model gives {Model.OutputWidth} classes, not the {FaceExpressions.Labels.Count} expressions");
    }
}
