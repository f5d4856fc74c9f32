using PortraitBooth.Abstractions;

namespace PortraitBooth.Grains.Tests;

public sealed class GenerationJobGrainTests(ClusterFixture cluster)
{
    [Fact]
    public async Task A_resubmit_with_equal_boxes_and_expressions_in_new_lists_is_the_same_job_and_other_boxes_are_refused()
    {
        var (tenantId, _) = await cluster.NewTenant();
        var job = cluster.Grains.GetGrain<IGenerationJobGrain>(Specs.NewJobId());
        JobSpec WithSubjects(int secondX) => Specs.Of(tenantId, prompt: "a man and a man") with
        {
            Boxes = [new SubjectRegion(0, 0, 32, 64), new SubjectRegion(secondX, 0, 32, 64)],
            Expressions = ["happy", null],
        };

        var (submitted, _) = await job.Submit(WithSubjects(32));
        var (again, _) = await job.Submit(WithSubjects(32));
        Assert.Equal(submitted.Timings.CreatedAt, again.Timings.CreatedAt);
        await Assert.ThrowsAsync<InvalidOperationException>(() => job.Submit(WithSubjects(40)));
        await Assert.ThrowsAsync<InvalidOperationException>(() => job.Submit(WithSubjects(32) with { Expressions = ["sad", null] }));
    }

    [Fact]
    public async Task A_job_moves_queued_running_succeeded_and_submit_and_complete_are_idempotent()
    {
        var (tenantId, _) = await cluster.NewTenant();
        var jobId = Specs.NewJobId();
        var job = cluster.Grains.GetGrain<IGenerationJobGrain>(jobId);

        var (submitted, admission) = await job.Submit(Specs.Of(tenantId, count: 2));
        Assert.Equal((JobStatus.Queued, AdmissionDecision.Dispatch), (submitted.Status, admission.Decision));
        Assert.Equal([42UL, 43UL], submitted.Seeds);
        Assert.Equal(8, submitted.TotalSteps);
        var (again, _) = await job.Submit(Specs.Of(tenantId, count: 2));
        Assert.Equal(submitted.Timings.CreatedAt, again.Timings.CreatedAt);
        Assert.Equal([(jobId, 1)], cluster.Dispatcher.Of(tenantId)); // dispatched once, attempt 1
        await Assert.ThrowsAsync<InvalidOperationException>(() => job.Submit(Specs.Of(tenantId, count: 3)));

        Assert.Equal(1, await job.Start(1));
        await job.ReportProgress(1, 3, 8);
        var running = await job.Get();
        Assert.Equal((JobStatus.Running, 3, 1), (running!.Status, running.Step, running.Attempts));

        var expires = DateTimeOffset.UtcNow.AddMinutes(30);
        Assert.True(await job.Complete(1, new JobResult(["a", "b"], 1.5, expires, OnnxSeconds: 1.25, StoreSeconds: 0.01)));
        Assert.True(await job.Complete(1, new JobResult(["a", "b"], 1.5, expires))); // the same attempt again
        Assert.False(await job.Complete(2, Specs.Result("other")));
        var done = await job.Get();
        Assert.Equal((JobStatus.Succeeded, 8, expires), (done!.Status, done.Step, done.ExpiresAt));
        Assert.Equal(["a", "b"], done.ResultKeys);
        Assert.NotNull(done.Timings.FinishedAt);
        // The path's stamps in order (the platform benchmark's segments), and the worker's own times as it reported them.
        var t = done.Timings;
        Assert.True(t.CreatedAt <= t.DispatchedAt && t.DispatchedAt <= t.StartedAt && t.StartedAt <= t.FinishedAt, t.ToString());
        Assert.Equal((1.5, 1.25, 0.01), (t.SamplingSeconds, t.OnnxSeconds, t.StoreSeconds));
        Assert.Null(await job.Start(1));
        Assert.Equal(0, (await cluster.Grains.GetGrain<ITenantGrain>(tenantId).Describe())!.Usage.JobsInFlight);
    }

    [Fact]
    public async Task A_redelivered_start_is_a_new_attempt_and_the_dead_attempt_cannot_complete()
    {
        var (tenantId, _) = await cluster.NewTenant();
        var job = cluster.Grains.GetGrain<IGenerationJobGrain>(Specs.NewJobId());
        await job.Submit(Specs.Of(tenantId));
        Assert.Equal(1, await job.Start(1));
        Assert.Equal(2, await job.Start(1)); // the same message again: its first worker died mid-job
        Assert.Equal(2, (await job.Get())!.Attempts);
        Assert.False(await job.Complete(1, Specs.Result("dead")));
        Assert.True(await job.Complete(2, Specs.Result("alive")));
        var done = await job.Get();
        Assert.Equal((JobStatus.Succeeded, 2), (done!.Status, done.Attempts));
        Assert.Equal(["alive"], done.ResultKeys);
        Assert.Null(await job.Start(1));
    }

    [Fact]
    public async Task A_late_completion_of_a_cancelled_job_is_dropped()
    {
        var (tenantId, _) = await cluster.NewTenant();
        var job = cluster.Grains.GetGrain<IGenerationJobGrain>(Specs.NewJobId());
        await job.Submit(Specs.Of(tenantId));
        Assert.Equal(1, await job.Start(1));
        Assert.False(await job.IsCancelled());

        var cancelled = await job.Cancel();
        Assert.Equal(JobStatus.Cancelled, cancelled!.Status);
        Assert.True(await job.IsCancelled());
        Assert.False(await job.Complete(1, Specs.Result("late")));
        await job.Fail(1, "late failure");
        var final = await job.Get();
        Assert.Equal((JobStatus.Cancelled, null), (final!.Status, final.Error));
        Assert.Empty(final.ResultKeys);
        Assert.Null(await job.Start(2));
        Assert.Equal(0, (await cluster.Grains.GetGrain<ITenantGrain>(tenantId).Describe())!.Usage.JobsInFlight);
    }

    [Fact]
    public async Task Failure_is_recorded_once_and_only_for_the_current_attempt()
    {
        var (tenantId, _) = await cluster.NewTenant();
        var job = cluster.Grains.GetGrain<IGenerationJobGrain>(Specs.NewJobId());
        await job.Submit(Specs.Of(tenantId));
        Assert.Equal(2, await job.Start(2)); // a redelivered message may carry a later attempt
        await job.Fail(1, "stale attempt");
        Assert.Equal(JobStatus.Running, (await job.Get())!.Status);
        await job.Fail(2, "prompt has no identity word");
        await job.Fail(2, "second report");
        var failed = await job.Get();
        Assert.Equal((JobStatus.Failed, "prompt has no identity word"), (failed!.Status, failed.Error));
        Assert.Null(await cluster.Grains.GetGrain<IGenerationJobGrain>(Specs.NewJobId()).Get());
    }

    [Fact]
    public async Task A_refused_job_is_not_kept()
    {
        var (tenantId, _) = await cluster.NewTenant(new TenantQuotas(ImagesPerDay: 1));
        var job = cluster.Grains.GetGrain<IGenerationJobGrain>(Specs.NewJobId());
        var (snapshot, admission) = await job.Submit(Specs.Of(tenantId, count: 2));
        Assert.Equal(AdmissionDecision.Refused, admission.Decision);
        Assert.NotNull(admission.RetryAfter);
        Assert.Equal(JobStatus.Failed, snapshot.Status);
        Assert.Null(await job.Get());
        Assert.Empty(cluster.Dispatcher.Of(tenantId));
    }

    [Fact]
    public async Task A_burst_over_the_in_flight_cap_is_queued_dispatched_in_order_never_more_than_the_cap_at_once_and_all_succeed()
    {
        const int cap = 2, burst = 7;
        var (tenantId, _) = await cluster.NewTenant(new TenantQuotas(MaxJobsInFlight: cap));
        var tenant = cluster.Grains.GetGrain<ITenantGrain>(tenantId);
        var jobIds = Enumerable.Range(0, burst).Select(i => $"burst-{i}-{Guid.NewGuid():N}").ToList();
        var decisions = await Task.WhenAll(jobIds.Select(async id =>
            (await cluster.Grains.GetGrain<IGenerationJobGrain>(id).Submit(Specs.Of(tenantId))).Admission.Decision));
        Assert.Equal(cap, decisions.Count(d => d == AdmissionDecision.Dispatch));
        Assert.Equal(burst - cap, decisions.Count(d => d == AdmissionDecision.Queued));

        // A worker that finishes jobs in dispatch order, as the tenant releases them.
        var ended = new List<string>();
        while (ended.Count < burst)
        {
            var dispatched = cluster.Dispatcher.Of(tenantId).Select(d => d.JobId).ToList();
            Assert.InRange(dispatched.Count - ended.Count, 1, cap);
            Assert.InRange((await tenant.Describe())!.Usage.JobsInFlight, 0, cap);
            var next = dispatched[ended.Count];
            var job = cluster.Grains.GetGrain<IGenerationJobGrain>(next);
            Assert.Equal(1, await job.Start(1));
            Assert.True(await job.Complete(1, Specs.Result($"{next}/0")));
            ended.Add(next);
        }

        Assert.Equal(jobIds.Order(), ended.Order());
        var statuses = await Task.WhenAll(jobIds.Select(async id => (await cluster.Grains.GetGrain<IGenerationJobGrain>(id).Get())!.Status));
        Assert.All(statuses, status => Assert.Equal(JobStatus.Succeeded, status));
        var final = (await tenant.Describe())!.Usage;
        Assert.Equal((0, 0), (final.JobsInFlight, final.JobsQueued));
        Assert.Equal(burst, (await tenant.Jobs()).Count);
    }

    [Fact]
    public async Task A_job_cancelled_while_queued_is_never_dispatched_and_frees_its_place()
    {
        var (tenantId, _) = await cluster.NewTenant(new TenantQuotas(MaxJobsInFlight: 1));
        var (first, waiting, last) = (Specs.NewJobId(), Specs.NewJobId(), Specs.NewJobId());
        foreach (var id in new[] { first, waiting, last }) await cluster.Grains.GetGrain<IGenerationJobGrain>(id).Submit(Specs.Of(tenantId));

        Assert.Equal(JobStatus.Cancelled, (await cluster.Grains.GetGrain<IGenerationJobGrain>(waiting).Cancel())!.Status);
        var job = cluster.Grains.GetGrain<IGenerationJobGrain>(first);
        Assert.Equal(1, await job.Start(1));
        Assert.True(await job.Complete(1, Specs.Result($"{first}/0")));

        Assert.Equal([first, last], cluster.Dispatcher.Of(tenantId).Select(d => d.JobId));
    }

    [Fact]
    public async Task A_queued_job_whose_dispatch_fails_to_store_is_still_dispatched_when_the_slot_frees()
    {
        var (tenantId, _) = await cluster.NewTenant(new TenantQuotas(MaxJobsInFlight: 1));
        var (first, waiting) = (Specs.NewJobId(), Specs.NewJobId());
        foreach (var id in new[] { first, waiting }) await cluster.Grains.GetGrain<IGenerationJobGrain>(id).Submit(Specs.Of(tenantId));
        var waitingJob = cluster.Grains.GetGrain<IGenerationJobGrain>(waiting);
        // The tenant has given the slot to the waiting job when that job's own write fails (its store unreachable).
        FaultInjectingStorage.FailNextWrites(waitingJob.GetGrainId(), 1);

        var job = cluster.Grains.GetGrain<IGenerationJobGrain>(first);
        Assert.Equal(1, await job.Start(1));
        Assert.True(await job.Complete(1, Specs.Result($"{first}/0")));

        for (var deadline = DateTime.UtcNow.AddSeconds(20); cluster.Dispatcher.Of(tenantId).Count < 2 && DateTime.UtcNow < deadline;)
            await Task.Delay(100, TestContext.Current.CancellationToken);
        Assert.Equal([(first, 1), (waiting, 1)], cluster.Dispatcher.Of(tenantId));
        Assert.Equal(1, await waitingJob.Start(1));
    }
}
