using PortraitBooth.Inference.Faces;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace PortraitBooth.Inference.Tests.Faces;

public sealed class PortraitCropTests
{
    private const int Size = 128;
    private static readonly AlignmentTemplate Template = AlignmentTemplate.Portrait128;

    [Fact]
    public void The_portrait_template_is_the_average_face_triangle_of_dlib_150_at_another_scale()
    {
        Assert.Same(Template, AlignmentTemplate.Named("portrait-128"));
        float EyeDistance(AlignmentTemplate t) => t.RightEye.X - t.LeftEye.X;
        float Height(AlignmentTemplate t) => t.Mouth.Y - t.LeftEye.Y;
        Assert.Equal(EyeDistance(AlignmentTemplate.Dlib150) / Height(AlignmentTemplate.Dlib150), EyeDistance(Template) / Height(Template), 2);
        Assert.Equal(0.5f, (Template.LeftEye.X + Template.RightEye.X) / 2, 5);
    }

    [Fact]
    public void A_rotated_scaled_face_lands_on_the_template_and_its_landmarks_come_back_in_crop_pixels()
    {
        // Eyes and mouth where a face turned by 20° and four times the crop's face size would have them.
        var transform = new SimilarityTransform(4 * MathF.Cos(0.35f), 4 * MathF.Sin(0.35f), 300, 150);
        var landmarks = Landmarks(p => transform.Apply(p));
        using var photo = new Image<Rgb24>(900, 900, new Rgb24(90, 90, 90));

        using var crop = PortraitCrop.Create(photo, landmarks, Template, Size);

        Assert.Equal(Size, crop.Image.Width);
        var (left, right, mouth) = FaceAligner.ReferencePoints(crop.Landmarks);
        AssertNear(new PointF(Template.LeftEye.X * Size, Template.LeftEye.Y * Size), left);
        AssertNear(new PointF(Template.RightEye.X * Size, Template.RightEye.Y * Size), right);
        AssertNear(new PointF(Template.Mouth.X * Size, Template.Mouth.Y * Size), mouth);
        Assert.Equal(0f, crop.OutsideFraction);
    }

    /// <summary>
    /// A face whose template position lies 64 px to the right in a 128-px photo: the crop is the photo shifted by
    /// whole pixels, so its right half lies outside and repeats the photo's last column.
    /// </summary>
    [Fact]
    public void Outside_the_photo_the_crop_repeats_the_edge_and_says_how_much_lay_outside()
    {
        var landmarks = Landmarks(p => new PointF(p.X + 64, p.Y));
        using var photo = new Image<Rgb24>(Size, Size);
        photo.ProcessPixelRows(rows =>
        {
            for (var y = 0; y < rows.Height; y++)
            {
                var row = rows.GetRowSpan(y);
                for (var x = 0; x < row.Length; x++) row[x] = new Rgb24((byte)(2 * x), (byte)y, 7);
            }
        });

        using var crop = PortraitCrop.Create(photo, landmarks, Template, Size);

        Assert.Equal(0.5f, crop.OutsideFraction, 3);
        Assert.Equal(new Rgb24(2 * 74, 40, 7), crop.Image[10, 40]);        // inside: photo column 10 + 64
        Assert.Equal(new Rgb24(2 * 127, 40, 7), crop.Image[100, 40]);      // outside: the last column again
        Assert.Equal(new Rgb24(2 * 127, 90, 7), crop.Image[127, 90]);
        AssertNear(new PointF(landmarks[0].X - 64, landmarks[0].Y), crop.Landmarks[0]);
    }

    [Fact]
    public void The_mask_is_the_hull_of_jaw_and_brows_in_the_crop()
    {
        var landmarks = Landmarks(p => p);
        using var photo = new Image<Rgb24>(Size, Size);
        using var crop = PortraitCrop.Create(photo, landmarks, Template, Size);
        var mask = crop.Mask();

        Assert.Equal(Size * Size, mask.Length);
        Assert.Equal(1f, mask[64 * Size + 64]);  // between the eyes and the mouth
        Assert.Equal(0f, mask[2 * Size + 2]);
        Assert.Equal(0f, mask[125 * Size + 64]); // below the chin
    }

    /// <summary>
    /// 68 points in crop-template pixels, mapped by <paramref name="place"/>: each eye's six points and the mouth's
    /// twenty at the template's positions (so the reference points are exact), the jaw an arc from ear to chin
    /// and the brows above the eyes.
    /// </summary>
    private static PointF[] Landmarks(Func<PointF, PointF> place)
    {
        var points = new PointF[68];
        PointF At(PointF unit) => new(unit.X * Size, unit.Y * Size);
        for (var i = 0; i <= 16; i++)
        {
            var angle = MathF.PI * i / 16;
            points[i] = new PointF(64 - 36 * MathF.Cos(angle), 50 + 45 * MathF.Sin(angle)); // ear, chin at (64, 95), ear
        }
        for (var i = 17; i <= 26; i++) points[i] = new PointF(36 + (i - 17) * 56 / 9f, 38);
        for (var i = 27; i <= 35; i++) points[i] = new PointF(64, 55 + (i - 27));
        for (var i = 36; i <= 41; i++) points[i] = At(Template.LeftEye);
        for (var i = 42; i <= 47; i++) points[i] = At(Template.RightEye);
        for (var i = 48; i <= 67; i++) points[i] = At(Template.Mouth);
        return [.. points.Select(place)];
    }

    private static void AssertNear(PointF expected, PointF actual) =>
        Assert.True(MathF.Abs(expected.X - actual.X) < 0.01f && MathF.Abs(expected.Y - actual.Y) < 0.01f, $"{actual} is not at {expected}");
}
