using Microsoft.ML.OnnxRuntime;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace PortraitBooth.Inference.Faces;

/// <summary>face-api's estimate of one face: age in years and the probability that the face is a man's.</summary>
public sealed record AgeGender(float Age, float MaleProbability)
{
    public float FemaleProbability => 1f - MaleProbability;
}

/// <summary>face-api's age/gender net (age_gender.onnx) on the same centred crop of the detection as the expression net.</summary>
public sealed class AgeGenderEstimator : FaceImageNetwork
{
    /// <summary>Uses <paramref name="session"/> without taking ownership of it.</summary>
    public AgeGenderEstimator(InferenceSession session) : base(session) => RequireThreeColumns();

    public AgeGenderEstimator(string modelPath) : base(modelPath) => RequireThreeColumns();

    public AgeGender Estimate(Image<Rgb24> crop) =>
        FromRow(Model.Run(FaceApiInput.Prepare(crop, InputSize, centred: true).Tensor, 1)[0]);

    /// <summary>A batch of prepared images, planar RGB 0..255 [batch,3,InputSize,InputSize].</summary>
    public AgeGender[] Estimate(float[] images, int batch) => [.. Model.Run(images, batch).Select(FromRow)];

    private static AgeGender FromRow(float[] row) => new(row[0], row[1]);

    private void RequireThreeColumns()
    {
        if (Model.OutputWidth == 3) return;
        Model.Dispose();
        throw new ArgumentException($"the model gives {Model.OutputWidth} values per face, not (age, P(male), P(female))");
    }
}
