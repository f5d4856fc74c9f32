namespace PortraitBooth.Abstractions;

/// <summary>A job as the operations view keeps it: who asked for what, and where it stands.</summary>
[GenerateSerializer, Immutable, Alias("pb.JobActivity")]
public sealed record JobActivity(
    [property: Id(0)] string JobId,
    [property: Id(1)] string TenantId,
    [property: Id(2)] JobStatus Status,
    [property: Id(3)] string Prompt,
    [property: Id(4)] IReadOnlyList<ulong> Seeds,
    [property: Id(5)] int ImageCount,
    [property: Id(6)] string? Error,
    [property: Id(7)] DateTimeOffset CreatedAt,
    [property: Id(8)] DateTimeOffset UpdatedAt);

/// <summary>
/// What a worker process says about itself every few seconds; <see cref="Capacity"/> null: the transport's default
/// concurrency. <see cref="Device"/>: where its ONNX sessions really run (<c>cpu</c>, <c>cuda:0</c>), with
/// " (fallback)" when CUDA was asked for and could not start.
/// </summary>
[GenerateSerializer, Immutable, Alias("pb.WorkerHeartbeat")]
public sealed record WorkerHeartbeat(
    [property: Id(0)] string WorkerId,
    [property: Id(1)] int? Capacity,
    [property: Id(2)] int InFlight,
    [property: Id(3)] long Completed,
    [property: Id(4)] DateTimeOffset At,
    [property: Id(5)] string Device = "cpu");

/// <summary>A worker as last heard of, with the jobs per minute it finished over the last hour of heartbeats.</summary>
[GenerateSerializer, Immutable, Alias("pb.WorkerStatus")]
public sealed record WorkerStatus(
    [property: Id(0)] WorkerHeartbeat Last,
    [property: Id(1)] double JobsPerMinute);

/// <summary>Jobs that ended in one minute (UTC, start of the minute).</summary>
[GenerateSerializer, Immutable, Alias("pb.MinuteCount")]
public sealed record MinuteCount(
    [property: Id(0)] DateTimeOffset Minute,
    [property: Id(1)] int Succeeded,
    [property: Id(2)] int Failed);

[GenerateSerializer, Immutable, Alias("pb.OperationsSnapshot")]
public sealed record OperationsSnapshot(
    [property: Id(0)] IReadOnlyList<JobActivity> Jobs,
    [property: Id(1)] IReadOnlyList<WorkerStatus> Workers,
    [property: Id(2)] IReadOnlyList<MinuteCount> LastHour);

/// <summary>
/// The cluster's recent activity for the admin dashboard (one activation, key <see cref="Key"/>): the latest jobs
/// (ring buffer, newest first), per-minute end counts of the last hour, and worker heartbeats. Kept in memory only:
/// it is a view of what happened lately, not a record; a restart starts it empty.
/// </summary>
public interface IOperationsGrain : IGrainWithIntegerKey
{
    public const long Key = 0;

    /// <summary>A job changed state (fed by the job grain on every transition).</summary>
    Task Record(JobActivity job);
    Task Heartbeat(WorkerHeartbeat heartbeat);
    Task<OperationsSnapshot> Read();
}
