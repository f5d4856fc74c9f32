using PortraitBooth.Abstractions;
using PortraitBooth.Abstractions.Events;
using PortraitBooth.Inference.Sampling;

namespace PortraitBooth.Worker.Running;

/// <summary>
/// Carries sampling progress without slowing sampling: every step is published at once to <see cref="IJobEvents"/>
/// (followers see each one), while the job grain gets them coalesced (at most one grain call in flight, at most one
/// per step), each report also asking whether the job was cancelled, cancelling the sampling when it was.
/// </summary>
public sealed class JobProgressPump : IProgress<SamplingProgress>, IAsyncDisposable
{
    private readonly IGenerationJobGrain _job;
    private readonly IJobEvents _events;
    private readonly JobEvent _running;
    private readonly int _attempt, _totalSteps;
    private readonly CancellationTokenSource _cancellation;
    private readonly SemaphoreSlim _signal = new(0, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _offset, _latest, _sent;

    /// <param name="running">The job's running event; each step is published as a copy with its step.</param>
    public JobProgressPump(IGenerationJobGrain job, int attempt, IJobEvents events, JobEvent running, CancellationTokenSource cancellation)
    {
        (_job, _attempt, _events, _running, _totalSteps, _cancellation) = (job, attempt, events, running, running.TotalSteps, cancellation);
        _loop = Task.Run(Loop);
    }

    /// <summary>Steps already done by earlier images of the job.</summary>
    public void StartImage(int stepsBefore) => Volatile.Write(ref _offset, stepsBefore);

    public void Report(SamplingProgress value)
    {
        var step = Volatile.Read(ref _offset) + value.Step;
        _events.Publish(_running with { Step = step });
        Volatile.Write(ref _latest, step);
        if (_signal.CurrentCount == 0)
        {
            try { _signal.Release(); } catch (SemaphoreFullException) { } // another report already signalled
        }
    }

    private async Task Loop()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                await _signal.WaitAsync(_stop.Token);
                var step = Volatile.Read(ref _latest);
                if (step == _sent) continue;
                _sent = step;
                await _job.ReportProgress(_attempt, step, _totalSteps);
                if (await _job.IsCancelled()) await _cancellation.CancelAsync();
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try { await _loop; } catch (Exception) { /* progress is advisory; the job's outcome is reported elsewhere */ }
        _stop.Dispose();
        _signal.Dispose();
    }
}
