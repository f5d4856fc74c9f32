namespace PortraitBooth.Worker.Messaging;

/// <summary>The job queue's consumer settings (the host binds them from its configuration).</summary>
public sealed class JobQueueOptions
{
    /// <summary>The queue every job is sent to, so a job waits in it even before any worker has started.</summary>
    public const string QueueName = "generate-portrait";

    /// <summary>Jobs this process runs at once, and its prefetch; null keeps the transport's default.</summary>
    public int? Capacity { get; set; }

    /// <summary>Retries after an unexpected error (request errors fail the job at once and are never retried).</summary>
    public int RetryLimit { get; set; } = 3;
    public TimeSpan RetryMinInterval { get; set; } = TimeSpan.FromSeconds(1);
    public TimeSpan RetryMaxInterval { get; set; } = TimeSpan.FromSeconds(30);
    public TimeSpan RetryIntervalDelta { get; set; } = TimeSpan.FromSeconds(2);
}
