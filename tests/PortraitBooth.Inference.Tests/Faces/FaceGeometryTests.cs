using PortraitBooth.Inference.Faces;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace PortraitBooth.Inference.Tests.Faces;

public sealed class FaceGeometryTests
{
    [Fact]
    public void A_fitted_similarity_transform_maps_the_points_it_was_fitted_on()
    {
        var truth = new SimilarityTransform(0.8f, 0.3f, 12f, -5f);
        PointF[] from = [new(10, 20), new(40, 22), new(25, 60)];
        var to = from.Select(truth.Apply).ToArray();
        var fitted = SimilarityTransform.Fit(from, to);
        Assert.Equal(truth.A, fitted.A, 4);
        Assert.Equal(truth.B, fitted.B, 4);
        var back = fitted.Inverse().Apply(to[2]);
        Assert.Equal(from[2].X, back.X, 3);
        Assert.Equal(from[2].Y, back.Y, 3);
    }

    [Fact]
    public void Aligning_a_rotated_face_puts_its_eyes_and_mouth_on_the_template()
    {
        // A synthetic "face": three coloured dots at eye and mouth positions, rotated 30° and shifted.
        var landmarks = SyntheticLandmarks(centre: new PointF(120, 90), scale: 60, angleDegrees: 30);
        var (left, right, mouth) = FaceAligner.ReferencePoints(landmarks);
        using var image = new Image<Rgb24>(240, 200, new Rgb24(0, 0, 0));
        Dot(image, left, new Rgb24(255, 0, 0));
        Dot(image, right, new Rgb24(0, 255, 0));
        Dot(image, mouth, new Rgb24(0, 0, 255));

        using var aligned = FaceAligner.Align(image, landmarks, AlignmentTemplate.Dlib150, 150);

        Assert.Equal(150, aligned.Width);
        AssertBrightest(aligned, c => c.R, AlignmentTemplate.Dlib150.LeftEye);
        AssertBrightest(aligned, c => c.G, AlignmentTemplate.Dlib150.RightEye);
        AssertBrightest(aligned, c => c.B, AlignmentTemplate.Dlib150.Mouth);
    }

    [Fact]
    public void The_face_mask_covers_the_hull_of_jaw_and_brows_only()
    {
        var landmarks = SyntheticLandmarks(centre: new PointF(50, 50), scale: 30, angleDegrees: 0);
        var hull = FaceMask.Hull(landmarks);
        var mask = FaceMask.Rasterise(hull, 100, 100);
        Assert.Equal(1f, mask[50 * 100 + 50]);   // the face centre
        Assert.Equal(0f, mask[2 * 100 + 2]);     // a corner
        var area = mask.Sum();
        Assert.InRange(area, 0.5f * 3.14f * 30 * 30 * 0.5f, 4f * 30 * 30);
    }

    [Fact]
    public void Identity_similarity_is_the_cosine_of_mean_centred_descriptors()
    {
        var metrics = new IdentityMetrics([1f, 1f, 1f]);
        Assert.Equal(1f, metrics.Similarity([2f, 1f, 1f], [3f, 1f, 1f]), 5);
        Assert.Equal(-1f, metrics.Similarity([2f, 1f, 1f], [0f, 1f, 1f]), 5);
        Assert.Equal(0f, metrics.Similarity([2f, 1f, 1f], [1f, 2f, 1f]), 5);
        Assert.Equal(5f, IdentityMetrics.Distance([0f, 3f], [4f, 0f]), 5);
    }

    /// <summary>68 points: a jaw arc (0-16), brows (17-26), nose (27-35), eyes (36-47), mouth (48-67); eye spacing
    /// / eye-to-mouth height = 0.867, the templates' proportion, so the similarity fit is exact.</summary>
    internal static PointF[] SyntheticLandmarks(PointF centre, float scale, float angleDegrees)
    {
        var points = new PointF[68];
        for (var i = 0; i <= 16; i++)
        {
            var t = Math.PI * i / 16;
            points[i] = new PointF((float)(-Math.Cos(t)), (float)(0.1 + 0.9 * Math.Sin(t)));
        }
        for (var i = 17; i <= 26; i++) points[i] = new PointF(-0.8f + 1.6f * (i - 17) / 9, -0.55f);
        for (var i = 27; i <= 35; i++) points[i] = new PointF(0, -0.3f + 0.5f * (i - 27) / 8);
        for (var i = 36; i <= 41; i++) points[i] = Around(new PointF(-0.325f, -0.3f), 0.1f, i - 36, 6);
        for (var i = 42; i <= 47; i++) points[i] = Around(new PointF(0.325f, -0.3f), 0.1f, i - 42, 6);
        for (var i = 48; i <= 67; i++) points[i] = Around(new PointF(0, 0.45f), 0.2f, i - 48, 20);
        var angle = angleDegrees * MathF.PI / 180;
        return points.Select(p => new PointF(
            centre.X + scale * (p.X * MathF.Cos(angle) - p.Y * MathF.Sin(angle)),
            centre.Y + scale * (p.X * MathF.Sin(angle) + p.Y * MathF.Cos(angle)))).ToArray();
    }

    private static PointF Around(PointF c, float r, int k, int n) =>
        new(c.X + r * MathF.Cos(2 * MathF.PI * k / n), c.Y + 0.5f * r * MathF.Sin(2 * MathF.PI * k / n));

    private static void Dot(Image<Rgb24> image, PointF at, Rgb24 colour)
    {
        for (var dy = -2; dy <= 2; dy++)
            for (var dx = -2; dx <= 2; dx++)
                image[(int)MathF.Round(at.X) + dx, (int)MathF.Round(at.Y) + dy] = colour;
    }

    private static void AssertBrightest(Image<Rgb24> image, Func<Rgb24, byte> channel, PointF unit)
    {
        // Centroid of the pixels where the dot's colour dominates.
        var (sumX, sumY, count) = (0.0, 0.0, 0);
        for (var y = 0; y < image.Height; y++)
            for (var x = 0; x < image.Width; x++)
                if (channel(image[x, y]) > 128) (sumX, sumY, count) = (sumX + x + 0.5, sumY + y + 0.5, count + 1);
        Assert.True(count > 0);
        Assert.InRange(sumX / count, unit.X * image.Width - 1.5, unit.X * image.Width + 1.5);
        Assert.InRange(sumY / count, unit.Y * image.Height - 1.5, unit.Y * image.Height + 1.5);
    }
}
