using PortraitBooth.Abstractions;
using PortraitBooth.Abstractions.Events;
using PortraitBooth.Inference.Sampling;

namespace PortraitBooth.Worker.Running;

/// <summary>
/// Carries sampling progress without slowing sampling: steps are published to <see cref="IJobEvents"/> within an
/// <see cref="EventBudget"/> (a step over budget is skipped for a later one; an image's last step is published when it is done,
/// so followers see the full step count before the job's final state, which the grain publishes);
/// the job grain gets them coalesced too (at most one grain call in flight, at most one per step), each report also
/// asking whether the job was cancelled, cancelling the sampling when it was.
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
    private readonly EventBudget _budget;
    private readonly Lock _publishing = new();
    private int _offset, _latest, _sent, _published;

    /// <param name="running">The job's running event; each step is published as a copy with its step.</param>
    /// <param name="budget">How many progress events may go out when.</param>
    public JobProgressPump(IGenerationJobGrain job, int attempt, IJobEvents events, JobEvent running, CancellationTokenSource cancellation,
        EventBudget budget)
    {
        (_job, _attempt, _events, _running, _totalSteps, _cancellation) = (job, attempt, events, running, running.TotalSteps, cancellation);
        _budget = budget;
        _loop = Task.Run(Loop);
    }

    /// <summary>Steps already done by earlier images of the job.</summary>
    public void StartImage(int stepsBefore) => Volatile.Write(ref _offset, stepsBefore);

    public void Report(SamplingProgress value)
    {
        var step = Volatile.Read(ref _offset) + value.Step;
        Volatile.Write(ref _latest, step);
        PublishLatest(force: false);
        if (_signal.CurrentCount == 0)
        {
            try { _signal.Release(); } catch (SemaphoreFullException) { } // another report already signalled
        }
    }

    /// <summary>
    /// Publishes a step the interval held back; called when an image's sampling has ended (not after a cancellation,
    /// whose final state the grain has already published and must stay the last event).
    /// </summary>
    public void ImageDone() => PublishLatest(force: true);

    /// <summary>Publishes the latest step unless it is out already or (unless forced) the budget has no event left.</summary>
    private void PublishLatest(bool force)
    {
        lock (_publishing)
        {
            var step = Volatile.Read(ref _latest);
            if (step == _published || !_budget.TryTake(force)) return;
            _published = step;
            _events.Publish(_running with { Step = step });
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
