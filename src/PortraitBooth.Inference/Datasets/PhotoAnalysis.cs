namespace PortraitBooth.Inference.Datasets;

/// <summary>
/// What one kept photo's analysis found, before anything that depends on the person's other photos (gender
/// majority, captions, split). The analysis cache stores these; the manifest's samples are built from them.
/// </summary>
/// <param name="MaleProbability">The photo's own p(male) from the age/gender net.</param>
public sealed record PhotoAnalysis(
    string Photo,
    string Id,
    int FacesFound,
    float[] FaceBox,
    float DetectionScore,
    float OutsideFraction,
    float[][] Landmarks,
    float[] Embedding,
    float MaleProbability,
    float Age,
    float EyeToMouth,
    IReadOnlyDictionary<string, float> Expressions);

/// <summary>The outcome for one photo: its analysis, or why it was dropped.</summary>
public sealed record PhotoOutcome(string Photo, PhotoAnalysis? Analysis, DroppedPhoto? Dropped)
{
    public static PhotoOutcome Kept(PhotoAnalysis analysis) => new(analysis.Photo, analysis, null);

    public static PhotoOutcome Drop(string photo, string reason, string? detail = null) => new(photo, null, new DroppedPhoto(photo, reason, detail));
}
