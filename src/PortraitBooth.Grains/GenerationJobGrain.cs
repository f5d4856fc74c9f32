using Microsoft.Extensions.Logging;
using PortraitBooth.Abstractions;
using PortraitBooth.Abstractions.Events;
using PortraitBooth.Abstractions.Telemetry;

namespace PortraitBooth.Grains;

/// <summary>
/// One generation job's state machine: queued → running → succeeded | failed, or cancelled from queued/running.
/// State is written on transitions only; per-step progress lives in memory. Every terminal transition tells the
/// tenant, which frees the slot and dispatches its next queued job.
/// Transitions (start, and every end) are published to <see cref="IJobEvents"/> here, after the state is written:
/// every end passes through this grain (a queued job cancelled by the API never meets a worker), and a follower
/// that reads the grain on such an event sees the final state. Sampling steps are published by the worker.
/// Each transition is also recorded in the <see cref="IOperationsGrain"/> for the admin dashboard.
/// </summary>
public sealed class GenerationJobGrain(
    [PersistentState("job", GrainStorage.Name)] IPersistentState<JobState> state,
    IJobDispatcher dispatcher,
    IJobEvents events,
    TimeProvider time,
    ILogger<GenerationJobGrain> logger) : Grain, IGenerationJobGrain
{
    private int _step;
    private IGrainTimer? _dispatchRetry;
    private readonly RetryBackoff _dispatchBackoff = new();
    private JobState S => state.State;
    private string JobId => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // A send an earlier activation left unconfirmed (its silo died, or it was deactivated meanwhile).
        if (S.DispatchPending && S.Status == JobStatus.Queued) ScheduleDispatchRetry(TimeSpan.Zero);
        return Task.CompletedTask;
    }

    public async Task<(JobSnapshot Job, Admission Admission)> Submit(JobSpec spec)
    {
        if (S.Spec is not null)
        {
            if (!JobSpecs.Same(S.Spec, spec))
                throw new InvalidOperationException($"job '{JobId}' was already submitted with a different request");
            return (Snapshot(), S.Admission!);
        }

        var admission = await GrainFactory.GetGrain<ITenantGrain>(spec.TenantId).Admit(JobId, spec.Count);
        var job = new JobState
        {
            Spec = spec, Status = JobStatus.Queued, Admission = admission, CreatedAt = time.GetUtcNow(),
            DispatchPending = admission.Decision == AdmissionDecision.Dispatch,
        };
        if (admission.Decision == AdmissionDecision.Refused)
        {
            // Nothing is kept, so a later submit under the same id asks for admission again.
            var refused = new JobState { Spec = spec, Status = JobStatus.Failed, Error = admission.Reason, CreatedAt = job.CreatedAt };
            PlatformMetrics.JobRefused(spec.TenantId);
            return (Snapshot(refused), admission);
        }

        state.State = job;
        await state.WriteOrDeactivate(this);
        PlatformMetrics.JobSubmitted(spec.TenantId);
        await Track();
        if (S.DispatchPending) await Send();
        return (Snapshot(), admission);
    }

    public async Task Dispatch()
    {
        if (S.Spec is null || S.Status != JobStatus.Queued || S.DispatchPending) return;
        S.DispatchPending = true;
        await state.WriteOrDeactivate(this);
        await Send();
    }

    public Task<JobSnapshot?> Get() => Task.FromResult(S.Spec is null ? null : Snapshot());

    public async Task<int?> Start(int attempt)
    {
        if (S.Spec is null || IsFinished) return null;
        // A redelivered message (its worker died mid-job) or a retry is a new attempt: the dead attempt's late
        // progress and completion are then ignored, and the snapshot shows how many attempts the job took.
        S.Status = JobStatus.Running;
        S.Attempt = Math.Max(S.Attempt + 1, attempt);
        S.StartedAt ??= time.GetUtcNow();
        S.DispatchPending = false; // delivered, so sent
        StopDispatchRetry();
        _step = 0;
        await state.WriteOrDeactivate(this);
        Publish();
        await Track();
        return S.Attempt;
    }

    public Task ReportProgress(int attempt, int step, int totalSteps)
    {
        if (S.Status == JobStatus.Running && attempt == S.Attempt) _step = Math.Max(_step, step);
        return Task.CompletedTask;
    }

    public async Task<bool> Complete(int attempt, JobResult result)
    {
        if (S.Status == JobStatus.Succeeded) return attempt == S.Attempt; // a repeated completion
        if (S.Status != JobStatus.Running || attempt != S.Attempt)
        {
            logger.LogInformation("Job {Job}: completion of attempt {Attempt} dropped (status {Status}, attempt {Current})",
                JobId, attempt, S.Status, S.Attempt);
            return false;
        }
        S.Status = JobStatus.Succeeded;
        S.ResultKeys = [.. result.ResultKeys];
        S.SamplingSeconds = result.SamplingSeconds;
        S.OnnxSeconds = result.OnnxSeconds;
        S.StoreSeconds = result.StoreSeconds;
        S.ExpiresAt = result.ExpiresAt;
        _step = TotalSteps(S.Spec!);
        await Finish();
        return true;
    }

    public async Task Fail(int attempt, string error)
    {
        if (IsFinished || attempt != S.Attempt) return;
        S.Status = JobStatus.Failed;
        S.Error = error;
        await Finish();
    }

    public async Task<JobSnapshot?> Cancel()
    {
        if (S.Spec is null) return null;
        if (!IsFinished)
        {
            S.Status = JobStatus.Cancelled;
            await Finish();
        }
        return Snapshot();
    }

    public Task<bool> IsCancelled() => Task.FromResult(S.Spec is null || IsFinished);

    // Progress counts sampling steps over all images of the job.
    private static int TotalSteps(JobSpec spec) => spec.Steps * spec.Count;

    private bool IsFinished => S.Status.IsFinished();

    private async Task Finish()
    {
        S.FinishedAt = time.GetUtcNow();
        await state.WriteOrDeactivate(this);
        PlatformMetrics.JobEnded(S.Spec!.TenantId, S.Status);
        Publish();
        await Track();
        await TellTenantJobEnded();
    }

    /// <summary>
    /// The tenant frees this job's slot and dispatches its queued jobs. A lost notification would strand those jobs,
    /// so a failure (e.g. the tenant's state store briefly unreachable) is retried with back-off for about two minutes.
    /// </summary>
    private async Task TellTenantJobEnded()
    {
        var tenant = GrainFactory.GetGrain<ITenantGrain>(S.Spec!.TenantId);
        var delay = TimeSpan.FromMilliseconds(250);
        for (var deadline = time.GetUtcNow().AddMinutes(2); ; delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(10).Ticks)))
        {
            try
            {
                await tenant.JobEnded(JobId);
                return;
            }
            catch (Exception e) when (time.GetUtcNow() + delay < deadline)
            {
                logger.LogWarning(e, "Job {Job}: telling tenant it ended failed; retrying in {Delay}", JobId, delay);
                await Task.Delay(delay);
            }
        }
    }

    /// <summary>Tells the operations view (the admin dashboard) of the transition; advisory, so a failure only logs.</summary>
    private async Task Track()
    {
        var spec = S.Spec!;
        try
        {
            await GrainFactory.GetGrain<IOperationsGrain>(IOperationsGrain.Key).Record(new JobActivity(JobId, spec.TenantId, S.Status,
                spec.Prompt, JobSpecs.Seeds(spec), S.ResultKeys.Count, S.Error, S.CreatedAt, time.GetUtcNow()));
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Job {Job}: the operations view missed its {Status} transition", JobId, S.Status);
        }
    }

    /// <summary>
    /// The outbox: sends the job's message; when the broker does not confirm it (down, unreachable), the job stays
    /// pending and a timer, which keeps this activation alive, tries again with back-off. A message that did reach the
    /// broker despite the error is then sent twice, which is safe: every delivery is a new attempt of one job.
    /// </summary>
    private async Task Send()
    {
        try
        {
            await dispatcher.Dispatch(JobId, S.Spec!.TenantId, attempt: 1);
        }
        catch (Exception e)
        {
            var delay = _dispatchBackoff.Failed();
            logger.LogWarning("Job {Job}: the broker did not confirm its message ({Error}); retrying in {Delay}", JobId, e.Message, delay);
            ScheduleDispatchRetry(delay);
            return;
        }
        S.DispatchPending = false;
        // A timing only, so it costs no write of its own: the job's next transition (Start) stores it.
        S.DispatchedAt = time.GetUtcNow();
        _dispatchBackoff.Succeeded();
    }

    private void ScheduleDispatchRetry(TimeSpan delay)
    {
        StopDispatchRetry();
        _dispatchRetry = this.RegisterGrainTimer(RetryDispatch, new GrainTimerCreationOptions(delay, Timeout.InfiniteTimeSpan) { KeepAlive = true });
    }

    private async Task RetryDispatch(CancellationToken cancellationToken)
    {
        StopDispatchRetry();
        if (S.DispatchPending && S.Status == JobStatus.Queued) await Send();
    }

    private void StopDispatchRetry()
    {
        _dispatchRetry?.Dispose();
        _dispatchRetry = null;
    }

    private void Publish() => events.Publish(new JobEvent(JobId, S.Spec!.TenantId, S.Status, _step, TotalSteps(S.Spec)));

    private JobSnapshot Snapshot(JobState? job = null)
    {
        job ??= S;
        var spec = job.Spec!;
        return new JobSnapshot(JobId, spec, job.Status, job == S ? _step : 0, TotalSteps(spec), job.Attempt,
            new JobTimings(job.CreatedAt, job.StartedAt, job.FinishedAt, job.SamplingSeconds, job.DispatchedAt, job.OnnxSeconds, job.StoreSeconds),
            JobSpecs.Seeds(spec), job.ResultKeys, job.Error, job.ExpiresAt);
    }
}
