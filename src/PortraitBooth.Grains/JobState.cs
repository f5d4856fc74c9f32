using PortraitBooth.Abstractions;

namespace PortraitBooth.Grains;

[GenerateSerializer, Alias("pb.JobState")]
public sealed class JobState
{
    [Id(0)] public JobSpec? Spec { get; set; }
    [Id(1)] public JobStatus Status { get; set; }
    [Id(2)] public Admission? Admission { get; set; }
    /// <summary>The attempt that started last; completions of other attempts are ignored.</summary>
    [Id(3)] public int Attempt { get; set; }
    [Id(4)] public DateTimeOffset CreatedAt { get; set; }
    [Id(5)] public DateTimeOffset? StartedAt { get; set; }
    [Id(6)] public DateTimeOffset? FinishedAt { get; set; }
    [Id(7)] public double? SamplingSeconds { get; set; }
    [Id(8)] public List<string> ResultKeys { get; set; } = [];
    [Id(9)] public string? Error { get; set; }
    [Id(10)] public DateTimeOffset? ExpiresAt { get; set; }
    [Id(11)] public DateTimeOffset? DispatchedAt { get; set; }
    [Id(12)] public double? OnnxSeconds { get; set; }
    [Id(13)] public double? StoreSeconds { get; set; }
    /// <summary>
    /// The job was given a slot but the broker has not confirmed its message yet (the outbox): retried until it does.
    /// Cleared in memory on the confirm and written with the next transition, since a repeated message is harmless.
    /// </summary>
    [Id(14)] public bool DispatchPending { get; set; }
}
