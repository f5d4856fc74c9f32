namespace PortraitBooth.Abstractions;

/// <summary>A generation as asked for; validated by the API before it gets here.</summary>
[GenerateSerializer, Immutable, Alias("pb.JobSpec")]
public sealed record JobSpec(
    [property: Id(0)] string TenantId,
    [property: Id(1)] string Pack,
    [property: Id(2)] string Prompt,
    [property: Id(3)] string NegativePrompt,
    [property: Id(4)] IReadOnlyList<string> IdentityIds,
    [property: Id(5)] ulong Seed,
    [property: Id(6)] int Steps,
    [property: Id(7)] float Guidance,
    [property: Id(8)] int Width,
    [property: Id(9)] int Height,
    [property: Id(10)] int Count,
    [property: Id(11)] IReadOnlyList<SubjectRegion>? Boxes = null,
    [property: Id(12)] IReadOnlyList<string?>? Expressions = null);

/// <summary>A subject's region in output pixels (left, top, width, height), one per identity in token order.</summary>
[GenerateSerializer, Immutable, Alias("pb.SubjectRegion")]
public sealed record SubjectRegion(
    [property: Id(0)] int X,
    [property: Id(1)] int Y,
    [property: Id(2)] int Width,
    [property: Id(3)] int Height);

public enum JobStatus { Queued, Running, Succeeded, Failed, Cancelled }

public static class JobStatusExtensions
{
    /// <summary>The end states: nothing moves a job out of them.</summary>
    public static bool IsFinished(this JobStatus status) => status is JobStatus.Succeeded or JobStatus.Failed or JobStatus.Cancelled;
}

/// <param name="DispatchedAt">When the job grain's send to the workers returned (broker confirmed); null when its tenant queued it.</param>
/// <param name="OnnxSeconds">Of <paramref name="SamplingSeconds"/>, the time inside ONNX Runtime's Run.</param>
/// <param name="StoreSeconds">The worker's writes of the images to the result store.</param>
[GenerateSerializer, Immutable, Alias("pb.JobTimings")]
public sealed record JobTimings(
    [property: Id(0)] DateTimeOffset CreatedAt,
    [property: Id(1)] DateTimeOffset? StartedAt,
    [property: Id(2)] DateTimeOffset? FinishedAt,
    [property: Id(3)] double? SamplingSeconds,
    [property: Id(4)] DateTimeOffset? DispatchedAt = null,
    [property: Id(5)] double? OnnxSeconds = null,
    [property: Id(6)] double? StoreSeconds = null);

[GenerateSerializer, Immutable, Alias("pb.JobSnapshot")]
public sealed record JobSnapshot(
    [property: Id(0)] string JobId,
    [property: Id(1)] JobSpec Spec,
    [property: Id(2)] JobStatus Status,
    [property: Id(3)] int Step,
    [property: Id(4)] int TotalSteps,
    [property: Id(5)] int Attempts,
    [property: Id(6)] JobTimings Timings,
    [property: Id(7)] IReadOnlyList<ulong> Seeds,
    [property: Id(8)] IReadOnlyList<string> ResultKeys,
    [property: Id(9)] string? Error,
    [property: Id(10)] DateTimeOffset? ExpiresAt)
{
    public bool IsFinished => Status.IsFinished();
}

/// <summary>What a worker hands back for one attempt (times as in <see cref="JobTimings"/>).</summary>
[GenerateSerializer, Immutable, Alias("pb.JobResult")]
public sealed record JobResult(
    [property: Id(0)] IReadOnlyList<string> ResultKeys,
    [property: Id(1)] double SamplingSeconds,
    [property: Id(2)] DateTimeOffset ExpiresAt,
    [property: Id(3)] double OnnxSeconds = 0,
    [property: Id(4)] double StoreSeconds = 0);

/// <summary>
/// One generation job (key: job id). Status moves queued → running → succeeded | failed, or to cancelled from
/// queued/running. State is written on transitions, never per sampling step. Completion is idempotent: a repeated
/// completion of the same attempt is ignored; a late completion of a cancelled job is dropped.
/// </summary>
public interface IGenerationJobGrain : IGrainWithStringKey
{
    /// <summary>Records the job and asks its tenant to admit it; a repeated submit returns the first snapshot.</summary>
    Task<(JobSnapshot Job, Admission Admission)> Submit(JobSpec spec);
    /// <summary>
    /// The tenant gave this queued job a slot: send it to the workers. Never fails for the broker: an unconfirmed send
    /// is kept and retried with back-off until the broker confirms it.
    /// </summary>
    Task Dispatch();
    Task<JobSnapshot?> Get();
    /// <summary>
    /// A worker starts an attempt: returns the attempt's number (one more than the last start, and at least
    /// <paramref name="attempt"/>), or null when the job is already finished or cancelled. Every start is a new
    /// attempt, so a redelivered message (its worker died mid-job) is told apart from the first delivery.
    /// </summary>
    Task<int?> Start(int attempt);
    Task ReportProgress(int attempt, int step, int totalSteps);
    Task<bool> Complete(int attempt, JobResult result);
    Task Fail(int attempt, string error);
    Task<JobSnapshot?> Cancel();
    /// <summary>Whether a worker should stop: the job was cancelled (or is otherwise finished) while it ran.</summary>
    Task<bool> IsCancelled();
}

/// <summary>Hands a job to the workers (in-memory transport in embedded mode, RabbitMQ when distributed).</summary>
public interface IJobDispatcher
{
    Task Dispatch(string jobId, string tenantId, int attempt);
}
