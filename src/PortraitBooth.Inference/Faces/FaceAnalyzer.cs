using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace PortraitBooth.Inference.Faces;

/// <summary>
/// Everything known about one face in a photo, in that photo's pixel coordinates; <see cref="Expressions"/> and
/// <see cref="AgeGender"/> are null when the analysis was asked to leave them out.
/// </summary>
public sealed record AnalyzedFace(
    RectangleF Box,
    float Score,
    PointF[] Landmarks,
    float[] Descriptor,
    FaceExpressions? Expressions,
    AgeGender? AgeGender = null)
{
    public float Area => Box.Width * Box.Height;
    /// <summary>Convex hull of jaw and brows (see <see cref="FaceMask"/>).</summary>
    public IReadOnlyList<PointF> MaskHull => FaceMask.Hull(Landmarks);
}

/// <summary>A photo in which no face was found; the message names the photo.</summary>
public sealed class NoFaceException(string message) : RequestException(message)
{
    public override bool IsUnusableInput => true;
}

/// <summary>
/// Detect → 68 landmarks on the detection crop → upright alignment to the recognizer's template → 128-D
/// descriptor; optionally expressions on the detection crop (as face-api's detectAllFaces().withFaceExpressions()
/// does) and age and gender on the landmark box (as its withFaceLandmarks().withAgeAndGender() does, see
/// <see cref="AgeGenderEstimator"/>). Faces are returned largest first.
/// </summary>
public sealed class FaceAnalyzer(FaceModels models)
{
    public FaceModels Models => models;

    /// <param name="withExpressions">
    /// False skips the expression net (its crop and run), for callers that only need identity, and so that
    /// detect + landmarks + embed can be timed on their own.
    /// </param>
    /// <param name="withAgeGender">True also runs the age/gender net.</param>
    public IReadOnlyList<AnalyzedFace> Analyze(Image<Rgb24> photo, bool withExpressions = true, bool withAgeGender = false)
    {
        using var search = Find(photo);
        var faces = new List<AnalyzedFace>();
        foreach (var detection in search.Detections)
            if (Analyze(search.Image, detection, withExpressions, withAgeGender) is { } face) faces.Add(search.ToPhoto(face));
        return faces.OrderByDescending(f => f.Area).ToList();
    }

    /// <summary>The detector's faces in <paramref name="photo"/>, on a canvas around it when the photo alone has none.</summary>
    public FaceSearch Find(Image<Rgb24> photo) => FaceSearch.Run(models.Detector, photo);

    /// <summary>One detected face analysed; null when its box covers less than 2×2 whole pixels of the photo.</summary>
    public AnalyzedFace? Analyze(Image<Rgb24> photo, DetectedFace detection, bool withExpressions, bool withAgeGender)
    {
        if (CropRegion(photo, detection.Box) is not { } region) return null;
        var landmarks = Landmarks(photo, region);
        using var aligned = Align(photo, landmarks, models.Template, models.Recognizer.InputSize);
        return new AnalyzedFace(detection.Box, detection.Score, landmarks,
            models.Recognizer.Describe(aligned), withExpressions ? Expressions(photo, region) : null,
            withAgeGender ? models.AgeGender.Estimate(photo, landmarks) : null);
    }

    /// <summary>The largest face and how many were found; <see cref="NoFaceException"/> naming the photo when none.</summary>
    public (AnalyzedFace Face, int FacesFound) Largest(Image<Rgb24> photo, string photoName, bool withExpressions = true, bool withAgeGender = false)
    {
        var faces = Analyze(photo, withExpressions, withAgeGender);
        return faces.Count > 0 ? (faces[0], faces.Count) : throw new NoFaceException($"no face found in '{photoName}'");
    }

    /// <summary>68 landmarks of the face in <paramref name="box"/>, in photo pixels.</summary>
    public PointF[] Landmarks(Image<Rgb24> photo, RectangleF box)
    {
        var region = CropRegion(photo, box) ?? throw new ArgumentException("the face box lies outside the photo");
        return Landmarks(photo, region);
    }

    private PointF[] Landmarks(Image<Rgb24> photo, Rectangle region)
    {
        using var crop = photo.Clone(c => c.Crop(region));
        return models.Landmarker.Detect(crop).Select(p => new PointF(p.X + region.X, p.Y + region.Y)).ToArray();
    }

    private FaceExpressions Expressions(Image<Rgb24> photo, Rectangle region)
    {
        using var crop = photo.Clone(c => c.Crop(region));
        return models.Expressions.Classify(crop);
    }

    public static Image<Rgb24> Align(Image<Rgb24> photo, IReadOnlyList<PointF> landmarks, AlignmentTemplate template, int size) =>
        FaceAligner.Align(photo, landmarks, template, size);

    // Whole pixels inside the photo, as face-api's extractFaces slices them.
    private static Rectangle? CropRegion(Image<Rgb24> photo, RectangleF box)
    {
        var x0 = Math.Clamp((int)MathF.Floor(box.Left), 0, photo.Width);
        var y0 = Math.Clamp((int)MathF.Floor(box.Top), 0, photo.Height);
        var x1 = Math.Clamp((int)MathF.Ceiling(box.Right), 0, photo.Width);
        var y1 = Math.Clamp((int)MathF.Ceiling(box.Bottom), 0, photo.Height);
        return x1 - x0 >= 2 && y1 - y0 >= 2 ? new Rectangle(x0, y0, x1 - x0, y1 - y0) : null;
    }
}
