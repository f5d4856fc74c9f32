using PortraitBooth.Abstractions;

namespace PortraitBooth.Grains;

/// <summary>
/// The dashboard's memory of recent activity, in memory only (see <see cref="IOperationsGrain"/>). Bounded: the
/// latest <see cref="MaxJobs"/> jobs (finished ones leave first), an hour of minute counts and of heartbeats.
/// </summary>
public sealed class OperationsGrain(TimeProvider time) : Grain, IOperationsGrain
{
    public const int MaxJobs = 200;
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);
    /// <summary>A worker silent this long is gone (stopped or dead) and leaves the view.</summary>
    public static readonly TimeSpan WorkerSilence = TimeSpan.FromMinutes(2);

    private readonly Dictionary<string, JobActivity> _jobs = new(StringComparer.Ordinal);
    private readonly SortedDictionary<DateTimeOffset, (int Succeeded, int Failed)> _minutes = new();
    private readonly Dictionary<string, Queue<WorkerHeartbeat>> _workers = new(StringComparer.Ordinal);

    public Task Record(JobActivity job)
    {
        var known = _jobs.GetValueOrDefault(job.JobId);
        // A repeated end (the job grain retries its tenant notice) or a late, older report changes nothing.
        if (known is not null && (known.Status.IsFinished() || known.UpdatedAt > job.UpdatedAt)) return Task.CompletedTask;
        _jobs[job.JobId] = job;
        if (job.Status is JobStatus.Succeeded or JobStatus.Failed) CountEnd(job);
        if (_jobs.Count > MaxJobs) _jobs.Remove(Oldest());
        return Task.CompletedTask;
    }

    public Task Heartbeat(WorkerHeartbeat heartbeat)
    {
        if (!_workers.TryGetValue(heartbeat.WorkerId, out var beats)) _workers[heartbeat.WorkerId] = beats = new();
        beats.Enqueue(heartbeat);
        while (beats.Peek().At < heartbeat.At - Hour) beats.Dequeue();
        return Task.CompletedTask;
    }

    public Task<OperationsSnapshot> Read()
    {
        var now = time.GetUtcNow();
        foreach (var gone in _workers.Where(w => w.Value.Last().At < now - WorkerSilence).Select(w => w.Key).ToList()) _workers.Remove(gone);
        var firstMinute = MinuteOf(now) - TimeSpan.FromMinutes(59);
        foreach (var old in _minutes.Keys.Where(m => m < firstMinute).ToList()) _minutes.Remove(old);

        var jobs = _jobs.Values.OrderByDescending(j => j.CreatedAt).ToList();
        var workers = _workers.Values.Select(Status).OrderBy(w => w.Last.WorkerId, StringComparer.Ordinal).ToList();
        var hour = Enumerable.Range(0, 60).Select(i => firstMinute + TimeSpan.FromMinutes(i))
            .Select(m => _minutes.TryGetValue(m, out var c) ? new MinuteCount(m, c.Succeeded, c.Failed) : new MinuteCount(m, 0, 0)).ToList();
        return Task.FromResult(new OperationsSnapshot(jobs, workers, hour));
    }

    private void CountEnd(JobActivity job)
    {
        var minute = MinuteOf(job.UpdatedAt);
        var (succeeded, failed) = _minutes.GetValueOrDefault(minute);
        _minutes[minute] = job.Status == JobStatus.Succeeded ? (succeeded + 1, failed) : (succeeded, failed + 1);
    }

    private string Oldest() =>
        (_jobs.Values.Where(j => j.Status.IsFinished()).MinBy(j => j.UpdatedAt) ?? _jobs.Values.MinBy(j => j.UpdatedAt)!).JobId;

    /// <summary>Finished jobs per minute between the oldest and newest heartbeat kept (0 until a second one).</summary>
    private static WorkerStatus Status(Queue<WorkerHeartbeat> beats)
    {
        var (first, last) = (beats.Peek(), beats.Last());
        var minutes = (last.At - first.At).TotalMinutes;
        return new WorkerStatus(last, minutes > 0 ? (last.Completed - first.Completed) / minutes : 0);
    }

    /// <summary>The start of <paramref name="at"/>'s minute (UTC): the key of the minute counts.</summary>
    public static DateTimeOffset MinuteOf(DateTimeOffset at) =>
        new(at.UtcTicks - at.UtcTicks % TimeSpan.TicksPerMinute, TimeSpan.Zero);
}
