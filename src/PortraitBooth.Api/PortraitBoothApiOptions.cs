namespace PortraitBooth.Api;

/// <summary>The API's settings, bound from the <c>PortraitBooth</c> configuration section (packs: <see cref="Inference.Packs.PackSettings"/>, same section).</summary>
public sealed class PortraitBoothApiOptions
{
    public const string Section = "PortraitBooth";

    /// <summary>The <c>X-Admin-Key</c> that opens <c>/v1/admin</c>; when empty the admin API answers 403.</summary>
    public string AdminKey { get; set; } = "";

    /// <summary>The largest identity photo accepted, in bytes (10 MB).</summary>
    public long MaxUploadBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>The longest side of a stored identity photo; larger uploads are scaled down before storing.</summary>
    public int MaxPhotoSide { get; set; } = 2048;

    /// <summary>The most pixels an upload may declare in its header (checked before decoding).</summary>
    public long MaxUploadPixels { get; set; } = 40_000_000;

    /// <summary>The most image memory one upload may hold at once while it is decoded, scaled and analysed (320 MB).</summary>
    public long MaxUploadMemoryBytes { get; set; } = Inference.Images.ImageDecodingLimits.DefaultMaxMemoryBytes;

    /// <summary>
    /// How long the events stream waits for a pushed event before it re-reads the job grain: a safety net for an
    /// event lost on the way (pub/sub delivers at most once), not the way progress normally arrives.
    /// </summary>
    public TimeSpan EventRecheckInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How many uploads are analysed at once (face work is CPU-bound); 0 means one per core.</summary>
    public int MaxConcurrentFaceWork { get; set; }
}
