using Microsoft.Extensions.Options;
using PortraitBooth.Abstractions;
using PortraitBooth.Abstractions.Telemetry;
using PortraitBooth.Inference.Execution;
using PortraitBooth.Worker.Messaging;

namespace PortraitBooth.Worker.Running;

/// <summary>This worker process's jobs in flight and jobs finished, for its heartbeats and its metrics (tag <c>worker</c> = <see cref="WorkerId"/>).</summary>
public sealed class WorkerActivity(IOptions<JobQueueOptions> queue, TimeProvider time, ExecutionPlan execution)
{
    private int _inFlight;
    private long _completed;

    public string WorkerId { get; } = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..4]}";

    /// <summary>Counts one job while it runs, and as finished when it ran to an outcome (a skipped start is no job run here).</summary>
    public async Task<JobRunOutcome> Track(Func<Task<JobRunOutcome>> run)
    {
        Interlocked.Increment(ref _inFlight);
        using var running = PlatformMetrics.WorkerJobRunning(WorkerId);
        try
        {
            var outcome = await run();
            if (outcome != JobRunOutcome.Skipped) Interlocked.Increment(ref _completed);
            return outcome;
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    public WorkerHeartbeat Heartbeat() =>
        new(WorkerId, queue.Value.Capacity, Volatile.Read(ref _inFlight), Interlocked.Read(ref _completed), time.GetUtcNow(),
            execution.FallbackReason is null ? execution.Device : $"{execution.Device} (fallback)");
}
