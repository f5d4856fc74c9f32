using PortraitBooth.Inference.Faces;
using PortraitBooth.Inference.Images;
using PortraitBooth.Testing;
using SixLabors.ImageSharp;

namespace PortraitBooth.Inference.Tests.Faces;

/// <summary>Tight portraits, which face-api's detector alone misses, on the converted networks.</summary>
public sealed class FaceSearchTests(ConvertedFaceModels converted, ITestOutputHelper output) : IDisposable
{
    private const int Size = 128;
    private readonly FaceModels _models = FaceModels.Open(converted.Directory);

    /// <summary>
    /// The faces of face-api's demo photos cut in the dataset's 128-px portrait framing (measured: the detector
    /// alone misses 11 of 21): the analysis finds at least four in five of those, each with its eyes where the
    /// framing put them and the same person's descriptor as in the whole photo.
    /// </summary>
    [Fact]
    public void Portrait_crops_the_detector_misses_are_found_with_landmarks_in_the_crops_pixels()
    {
        var analyzer = new FaceAnalyzer(_models);
        var template = AlignmentTemplate.Portrait128;
        var (crops, missed, found) = (0, 0, 0);
        for (var sample = 1; sample <= 6; sample++)
        {
            using var photo = ImageDecoding.LoadRgb(FaceApiReference.SamplePhoto(sample));
            foreach (var face in analyzer.Analyze(photo, withExpressions: false))
            {
                var (photoLeft, photoRight, _) = FaceAligner.ReferencePoints(face.Landmarks);
                if (photoRight.X - photoLeft.X < 24) continue; // too small to cut at 128 px without upscaling it
                using var crop = PortraitCrop.Create(photo, face.Landmarks, template, Size);
                if (crop.OutsideFraction > 0) continue;
                crops++;
                if (_models.Detector.Detect(crop.Image).Count > 0) continue;
                missed++;

                using var search = analyzer.Find(crop.Image);
                Assert.True(search.OnCanvas);
                if (analyzer.Analyze(crop.Image, withExpressions: false) is not [var largest, ..]) continue;
                found++;
                var (left, right, _) = FaceAligner.ReferencePoints(largest.Landmarks);
                AssertNear(new PointF(template.LeftEye.X * Size, template.LeftEye.Y * Size), left, $"sample {sample}");
                AssertNear(new PointF(template.RightEye.X * Size, template.RightEye.Y * Size), right, $"sample {sample}");
                Assert.True(largest.Box.Left >= 0 && largest.Box.Right <= Size, $"box {largest.Box} outside the crop");
                var distance = IdentityMetrics.Distance(largest.Descriptor, face.Descriptor);
                output.WriteLine($"sample {sample}: eyes {left} {right}, descriptor distance to the whole photo's face {distance:F3}");
                Assert.True(distance < IdentityMetrics.DlibSamePersonDistance, $"sample {sample}: descriptor distance {distance:F3}");
            }
        }
        output.WriteLine($"the detector alone missed {missed} of {crops} portrait crops; the analysis found {found} of those");
        Assert.True(missed > 0, $"the detector alone found all {crops} crops: nothing here needs the canvas");
        Assert.True(found >= 0.8 * missed, $"the analysis found {found} of the {missed} crops the detector alone missed");
    }

    private static void AssertNear(PointF expected, PointF actual, string what)
    {
        var error = MathF.Sqrt((expected.X - actual.X) * (expected.X - actual.X) + (expected.Y - actual.Y) * (expected.Y - actual.Y));
        Assert.True(error < 4f, $"{what}: expected {expected}, got {actual} ({error:F1} px off)");
    }

    public void Dispose() => _models.Dispose();
}
