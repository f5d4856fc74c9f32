namespace PortraitBooth.Worker;

/// <summary>The worker's own settings (packs are <see cref="Inference.Packs.PackSettings"/>, shared with the API).</summary>
public sealed class PortraitWorkerOptions
{
    /// <summary>How long generated images are kept; the job's expires_at is now + this when it completes.</summary>
    public TimeSpan ResultTtl { get; set; } = TimeSpan.FromHours(1);
    /// <summary>Bound of the in-memory result store (embedded mode).</summary>
    public long MaxResultBytes { get; set; } = 256L * 1024 * 1024;
    /// <summary>How often the worker tells the operations view (admin dashboard) its capacity, jobs in flight and jobs done.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(2);
    /// <summary>
    /// Progress events one job may publish per second, after a burst of <see cref="ProgressEventBurst"/> (the latest
    /// step wins; 0 = every step). Fast steps on a GPU would otherwise publish tens of events per second per job;
    /// a job's state changes are never held back.
    /// </summary>
    public double ProgressEventsPerSecond { get; set; } = 10;
    /// <summary>Progress events a job may publish at once before <see cref="ProgressEventsPerSecond"/> applies.</summary>
    public int ProgressEventBurst { get; set; } = 10;
}
