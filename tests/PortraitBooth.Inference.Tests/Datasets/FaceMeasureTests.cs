using PortraitBooth.Inference.Datasets;
using PortraitBooth.Inference.Faces;
using SixLabors.ImageSharp;

namespace PortraitBooth.Inference.Tests.Datasets;

/// <summary>The two measures the size and pose filters use, on landmarks whose eye and mouth centres are known.</summary>
public sealed class FaceMeasureTests
{
    /// <summary>68 points: both eyes' six points and the mouth's twenty at the given centres, the rest at the origin.</summary>
    private static PointF[] Landmarks(PointF leftEye, PointF rightEye, PointF mouth) =>
        [.. Enumerable.Range(0, 68).Select(i => i switch
        {
            >= 36 and <= 41 => leftEye,
            >= 42 and <= 47 => rightEye,
            >= 48 => mouth,
            _ => new PointF(0, 0),
        })];

    [Fact]
    public void Eye_to_mouth_is_the_mean_distance_from_each_eye_centre_to_the_mouth_centre()
    {
        Assert.Equal(25f, PhotoProcessor.EyeToMouth(Landmarks(new(0, 0), new(30, 0), new(15, 20))), 4);
        Assert.Equal(30f, PhotoProcessor.EyeToMouth(Landmarks(new(0, 0), new(0, 0), new(18, 24))), 4);
    }

    [Fact]
    public void A_frontal_face_has_frontality_one_and_a_face_turned_away_much_less()
    {
        var t = AlignmentTemplate.Dlib150;
        PointF Scaled(PointF p, float sx) => new(200 + 300 * (p.X - 0.5f) * sx, 100 + 300 * p.Y);

        var frontal = PhotoProcessor.Frontality(Landmarks(Scaled(t.LeftEye, 1), Scaled(t.RightEye, 1), Scaled(t.Mouth, 1)));
        // A head turned by 66°: horizontal spacings shrink to cos 66° ≈ 0.4 of the frontal ones.
        var turned = PhotoProcessor.Frontality(Landmarks(Scaled(t.LeftEye, 0.4f), Scaled(t.RightEye, 0.4f), Scaled(t.Mouth, 0.4f)));

        Assert.Equal(1f, frontal, 4);
        Assert.InRange(turned, 0.4f, DatasetThresholds.Default.MinFrontality);
    }
}
