using PortraitBooth.Inference.Faces;
using PortraitBooth.Inference.Images;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;

namespace PortraitBooth.Inference.Datasets;

/// <summary>
/// One photo of a dataset: decode it safely, analyse its faces, keep the largest or say why not, and write the
/// portrait crop and face mask of a kept one. Thread-safe (the ONNX sessions are).
/// </summary>
public sealed class PhotoProcessor(FaceModels models, DatasetThresholds thresholds, AlignmentTemplate template, int cropSize)
{
    private static readonly PngEncoder RgbPng = new() { ColorType = PngColorType.Rgb, BitDepth = PngBitDepth.Bit8 };
    private static readonly PngEncoder GreyPng = new() { ColorType = PngColorType.Grayscale, BitDepth = PngBitDepth.Bit8 };

    private readonly FaceAnalyzer _analyzer = new(models);

    public static string CropPath(string outputDirectory, string id) => Path.Combine(outputDirectory, "crops", id + ".png");
    public static string MaskPath(string outputDirectory, string id) => Path.Combine(outputDirectory, "masks", id + ".png");

    /// <param name="path">The photo file.</param>
    /// <param name="photo">Its name in the dataset (relative to <c>photos/</c>).</param>
    public PhotoOutcome Process(string path, string photo, string id, string outputDirectory)
    {
        if (!File.Exists(path)) return PhotoOutcome.Drop(photo, DropReasons.MissingFile);
        if (new FileInfo(path).Length == 0) return PhotoOutcome.Drop(photo, DropReasons.Empty);
        Image<Rgb24> image;
        try
        {
            image = ImageDecoding.LoadRgb(path);
        }
        catch (InvalidImageException e)
        {
            return PhotoOutcome.Drop(photo, DropReasons.Unreadable, e.Message.Replace(path, photo));
        }
        using (image) return Process(image, photo, id, outputDirectory);
    }

    private PhotoOutcome Process(Image<Rgb24> image, string photo, string id, string outputDirectory)
    {
        if (Math.Min(image.Width, image.Height) < thresholds.MinPhotoSide)
            return PhotoOutcome.Drop(photo, DropReasons.ImageTooSmall, $"{image.Width}x{image.Height}, shorter side under {thresholds.MinPhotoSide} px");

        // As AlignedFaceInput: every detection counts, the largest box is the subject.
        using var search = _analyzer.Find(image);
        var detections = search.Detections.OrderByDescending(d => d.Box.Width * d.Box.Height).ToList();
        var (found, mainIndex) = detections.Select((d, i) => (Face: _analyzer.Analyze(search.Image, d, withExpressions: true, withAgeGender: true), Index: i))
            .FirstOrDefault(f => f.Face is not null);
        if (found is null) return PhotoOutcome.Drop(photo, DropReasons.NoFace);
        var main = search.ToPhoto(found);
        var second = detections.Where((_, i) => i != mainIndex).Select(d => d.Box.Width * d.Box.Height).DefaultIfEmpty(0).Max();
        if (second >= thresholds.MaxSecondFaceRatio * found.Area)
            return PhotoOutcome.Drop(photo, DropReasons.Ambiguous, $"second face {second / found.Area:P0} of the main one's area");

        var eyeToMouth = EyeToMouth(main.Landmarks);
        if (eyeToMouth < thresholds.MinEyeToMouth)
            return PhotoOutcome.Drop(photo, DropReasons.FaceTooSmall, $"eye-to-mouth {eyeToMouth:F1} px, under {thresholds.MinEyeToMouth} px");

        var frontality = Frontality(main.Landmarks);
        if (frontality < thresholds.MinFrontality)
            return PhotoOutcome.Drop(photo, DropReasons.TurnedAway, $"eye spacing {frontality:P0} of a frontal face's");

        using var crop = PortraitCrop.Create(image, main.Landmarks, template, cropSize);
        if (crop.OutsideFraction > thresholds.MaxOutsideFraction)
            return PhotoOutcome.Drop(photo, DropReasons.OutsidePhoto, $"{crop.OutsideFraction:P0} of the crop outside the photo");

        WriteCrop(crop, outputDirectory, id);
        var ageGender = main.AgeGender!;
        return PhotoOutcome.Kept(new PhotoAnalysis(photo, id, detections.Count,
            [main.Box.X, main.Box.Y, main.Box.Width, main.Box.Height], main.Score, crop.OutsideFraction,
            [.. crop.Landmarks.Select(p => new[] { p.X, p.Y })], main.Descriptor,
            ageGender.MaleProbability, ageGender.Age, eyeToMouth, main.Expressions!.ToDictionary()));
    }

    /// <summary>Mean distance from each eye centre to the mouth centre (face-api's dlib alignment measures the face so).</summary>
    public static float EyeToMouth(IReadOnlyList<PointF> landmarks68)
    {
        var (left, right, mouth) = FaceAligner.ReferencePoints(landmarks68);
        return (Distance(left, mouth) + Distance(right, mouth)) / 2;
    }

    /// <summary>
    /// Eye spacing over the mean eye-to-mouth distance, relative to the same ratio of the dlib-150 template (a
    /// frontal average face): about 1 for a frontal face, falling towards 0 as the head turns sideways.
    /// </summary>
    public static float Frontality(IReadOnlyList<PointF> landmarks68)
    {
        var (left, right, _) = FaceAligner.ReferencePoints(landmarks68);
        return Distance(left, right) / EyeToMouth(landmarks68) / FrontalEyeSpacing;
    }

    private static readonly float FrontalEyeSpacing = TemplateEyeSpacing(AlignmentTemplate.Dlib150);

    private static float TemplateEyeSpacing(AlignmentTemplate t) =>
        Distance(t.LeftEye, t.RightEye) / ((Distance(t.LeftEye, t.Mouth) + Distance(t.RightEye, t.Mouth)) / 2);

    private static float Distance(PointF a, PointF b) => MathF.Sqrt((a.X - b.X) * (a.X - b.X) + (a.Y - b.Y) * (a.Y - b.Y));

    private static void WriteCrop(PortraitCrop crop, string outputDirectory, string id)
    {
        var (cropPath, maskPath) = (CropPath(outputDirectory, id), MaskPath(outputDirectory, id));
        Directory.CreateDirectory(Path.GetDirectoryName(cropPath)!);
        Directory.CreateDirectory(Path.GetDirectoryName(maskPath)!);
        var mask = crop.Mask();
        using var maskImage = Image.LoadPixelData<L8>(mask.Select(v => new L8(v > 0 ? (byte)255 : (byte)0)).ToArray(), crop.Image.Width, crop.Image.Height);
        crop.Image.Save(cropPath, RgbPng);
        maskImage.Save(maskPath, GreyPng);
    }
}
