using PortraitBooth.Inference.Sampling;

namespace PortraitBooth.Inference.Packs;

/// <summary>
/// Which packs are installed, bound from the <c>PortraitBooth</c> section: read by the API (validation, uploads)
/// and the worker (jobs) alike, so both always see the same packs.
/// </summary>
public sealed class PackSettings
{
    /// <summary>Installed packs: name → folder. An empty folder means "the locator decides" (e.g. generated on first use).</summary>
    public Dictionary<string, string> Packs { get; set; } = new(StringComparer.Ordinal) { ["tiny"] = "" };

    /// <summary>The pack used when a request names none; its face encoder computes φ for uploads.</summary>
    public string DefaultPack { get; set; } = "tiny";

    /// <summary>The converted face models' folder; empty means "the locator decides" (converted on first use).</summary>
    public string FaceModels { get; set; } = "";

    /// <summary>Most subjects (faces) in one image; the API refuses more before a job exists.</summary>
    public int MaxSubjects { get; set; } = RequestLimits.DefaultMaxSubjects;

    /// <summary>Most rows in one U-Net call; a multi-subject step with more rows is split into several calls.</summary>
    public int UnetBatchLimit { get; set; } = new SamplingLimits().UnetBatchLimit;

    public SamplingLimits SamplingLimits => new(MaxSubjects, UnetBatchLimit);
}
