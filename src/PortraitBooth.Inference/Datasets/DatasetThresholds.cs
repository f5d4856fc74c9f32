using System.Text.Json.Serialization;

namespace PortraitBooth.Inference.Datasets;

/// <summary>
/// When a photo is dropped, and when a caption names an expression (docs/dataset.md explains each choice).
/// </summary>
/// <param name="MinPhotoSide">Shorter side in pixels below which a photo cannot hold a usable face.</param>
/// <param name="MinEyeToMouth">
/// Smallest main face, as the mean eye-centre to mouth-centre distance in photo pixels. The crop puts that
/// distance at 0.27 × 128 ≈ 35 px, so a 20 px face is enlarged 1.7×; smaller ones come out blurred.
/// </param>
/// <param name="MinFrontality">
/// Least eye spacing, as a share of what a frontal face of the same eye-to-mouth size has (the recognizer's
/// dlib-150 template: 0.80 × the eye-to-mouth distance). Below 0.5 (turned about 60° or more) the three-point
/// alignment squashes the face and the descriptor is unreliable.
/// </param>
/// <param name="MaxOutsideFraction">Largest share of the crop that may lie outside the photo (filled by edge replication).</param>
/// <param name="MaxSecondFaceRatio">
/// A second face whose box area is at least this share of the main face's makes the subject ambiguous: the
/// identity label could belong to either.
/// </param>
/// <param name="MaxIdentityDistance">
/// Largest median descriptor distance (dlib's Euclidean) from a photo to the person's other kept photos, for people
/// with three or more: beyond it the photo most likely shows someone else (a label error, or the wrong face chosen).
/// dlib calls two faces the same person below 0.6; 0.7 leaves room for in-the-wild pose, age and light.
/// </param>
/// <param name="ExpressionConfidence">Least probability of the classifier's top expression for a caption to name it.</param>
public sealed record DatasetThresholds(
    int MinPhotoSide = 32,
    float MinEyeToMouth = 20f,
    float MinFrontality = 0.5f,
    float MaxOutsideFraction = 0.25f,
    float MaxSecondFaceRatio = 0.5f,
    float MaxIdentityDistance = 0.7f,
    float ExpressionConfidence = 0.7f)
{
    public static DatasetThresholds Default { get; } = new();

    /// <summary>The per-photo thresholds (not the per-person identity one, nor the caption one): cached analyses stay valid while these hold.</summary>
    [JsonIgnore]
    public string AnalysisKey => $"{MinPhotoSide}/{MinEyeToMouth}/{MinFrontality}/{MaxOutsideFraction}/{MaxSecondFaceRatio}";
}

/// <summary>Why a photo was dropped: the fixed reasons of dropped.tsv and the manifest's dropped_by_reason.</summary>
public static class DropReasons
{
    public const string MissingFile = "file missing";
    public const string NoIdentity = "not in identities.tsv";
    public const string Empty = "empty file (0 bytes)";
    public const string Unreadable = "not a readable image";
    public const string ImageTooSmall = "image too small";
    public const string NoFace = "no face found";
    public const string FaceTooSmall = "face too small";
    public const string TurnedAway = "face turned too far sideways";
    public const string OutsidePhoto = "face too close to the photo's edge";
    public const string Ambiguous = "two faces of similar size";
    public const string AnalysisFailed = "analysis failed";
    public const string UnlikePerson = "face unlike the person's other photos";
}
