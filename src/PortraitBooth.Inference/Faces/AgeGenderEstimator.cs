using Microsoft.ML.OnnxRuntime;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace PortraitBooth.Inference.Faces;

/// <summary>face-api's estimate of one face: age in years and the probability that the face is a man's.</summary>
public sealed record AgeGender(float Age, float MaleProbability)
{
    public float FemaleProbability => 1f - MaleProbability;

    public bool IsMale => MaleProbability > 0.5f;

    /// <summary>The probability of the more likely gender, as face-api's genderProbability.</summary>
    public float GenderProbability => IsMale ? MaleProbability : FemaleProbability;
}

/// <summary>
/// face-api's age/gender net (age_gender.onnx, output [B,3] = age, P(male), P(female)). On a photo it runs on the
/// crop face-api's landmark pipeline gives it (<c>detectAllFaces().withFaceLandmarks().withAgeAndGender()</c>):
/// the face's <c>alignedRect</c>, i.e. the bounding box of the 68 landmarks padded by 20% of its width and height
/// (FaceLandmarks.alignMinBbox), clipped to the photo and floored (Box.clipAtImageBorders), then padded to a
/// centred square and resized to 112 as for every face-api net.
/// </summary>
public sealed class AgeGenderEstimator : FaceImageNetwork
{
    /// <summary>face-api's default minBoxPadding: the landmark box grows by this share of its width and height.</summary>
    public const double LandmarkBoxPadding = 0.2;

    /// <summary>Uses <paramref name="session"/> without taking ownership of it.</summary>
    public AgeGenderEstimator(InferenceSession session) : base(session) => RequireThreeColumns();

    public AgeGenderEstimator(string modelPath) : base(modelPath) => RequireThreeColumns();

    /// <summary>The estimate for a face crop (any size; padded to a centred square and resized as face-api does).</summary>
    public AgeGender Estimate(Image<Rgb24> crop) =>
        FromRow(Model.Run(FaceApiInput.Prepare(crop, InputSize, centred: true).Tensor, 1)[0]);

    /// <summary>The estimate for a face of <paramref name="photo"/> from its 68 landmarks, on face-api's crop (<see cref="CropRegion"/>).</summary>
    public AgeGender Estimate(Image<Rgb24> photo, IReadOnlyList<PointF> landmarks68)
    {
        var region = CropRegion(landmarks68, photo.Width, photo.Height)
            ?? throw new ArgumentException("the face's landmark box lies outside the photo");
        using var crop = photo.Clone(c => c.Crop(region));
        return Estimate(crop);
    }

    /// <summary>A batch of prepared images, planar RGB 0..255 [batch,3,InputSize,InputSize].</summary>
    public AgeGender[] Estimate(float[] images, int batch) => [.. Model.Run(images, batch).Select(FromRow)];

    /// <summary>
    /// face-api's alignedRect in whole photo pixels: min/max of the landmarks, grown by
    /// <see cref="LandmarkBoxPadding"/> (half on each side), clipped to the photo, every value floored; null when empty.
    /// Computed in double, as JavaScript does.
    /// </summary>
    public static Rectangle? CropRegion(IReadOnlyList<PointF> landmarks, int width, int height)
    {
        if (landmarks.Count == 0) throw new ArgumentException("no landmarks");
        // minBbox starts its maxima at 0 and its minima at +∞.
        double minX = double.PositiveInfinity, minY = double.PositiveInfinity, maxX = 0, maxY = 0;
        foreach (var p in landmarks)
            (minX, minY, maxX, maxY) = (Math.Min(minX, p.X), Math.Min(minY, p.Y), Math.Max(maxX, p.X), Math.Max(maxY, p.Y));
        var (padX, padY) = ((maxX - minX) * LandmarkBoxPadding, (maxY - minY) * LandmarkBoxPadding);
        var (x, y) = (minX - padX / 2, minY - padY / 2);
        var (right, bottom) = (x + (maxX - minX) + padX, y + (maxY - minY) + padY);
        var (clippedX, clippedY) = (Math.Max(x, 0), Math.Max(y, 0));
        var clippedWidth = Math.Min(right - clippedX, width - clippedX);
        var clippedHeight = Math.Min(bottom - clippedY, height - clippedY);
        var region = new Rectangle((int)Math.Floor(clippedX), (int)Math.Floor(clippedY), (int)Math.Floor(clippedWidth), (int)Math.Floor(clippedHeight));
        return region.Width > 0 && region.Height > 0 ? region : null;
    }

    private static AgeGender FromRow(float[] row) => new(row[0], row[1]);

    private void RequireThreeColumns()
    {
        if (Model.OutputWidth == 3) return;
        Model.Dispose();
        throw new ArgumentException($"the model gives {Model.OutputWidth} values per face, not (age, P(male), P(female))");
    }
}
