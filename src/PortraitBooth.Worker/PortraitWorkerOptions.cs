namespace PortraitBooth.Worker;

public sealed class PortraitWorkerOptions
{
    /// <summary>Installed packs: the name a request uses → the pack folder.</summary>
    public Dictionary<string, string> Packs { get; set; } = new(StringComparer.Ordinal);
    /// <summary>The converted face networks (detector, landmarks) used to align faces for packs that need it.</summary>
    public string? FaceModelsDirectory { get; set; }
    /// <summary>How long generated images are kept; the job's expires_at is now + this when it completes.</summary>
    public TimeSpan ResultTtl { get; set; } = TimeSpan.FromHours(1);
    /// <summary>Bound of the in-memory result store (embedded mode).</summary>
    public long MaxResultBytes { get; set; } = 256L * 1024 * 1024;
}
