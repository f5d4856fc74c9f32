using PortraitBooth.Abstractions;

namespace PortraitBooth.Grains.Tests;

/// <summary>
/// The operations grain is one activation shared by every test of the run, so these tests look only at their own
/// tenants, workers, and at minutes in the past that no other test writes to.
/// </summary>
public sealed class OperationsGrainTests(ClusterFixture cluster)
{
    private IOperationsGrain Operations => cluster.Grains.GetGrain<IOperationsGrain>(IOperationsGrain.Key);

    [Fact]
    public async Task The_job_grain_records_every_transition_with_prompt_seeds_images_and_error()
    {
        var (tenantId, _) = await cluster.NewTenant();
        var succeeded = cluster.Grains.GetGrain<IGenerationJobGrain>(Specs.NewJobId());
        await succeeded.Submit(Specs.Of(tenantId, count: 2, prompt: "a photo of a woman"));
        Assert.Equal(JobStatus.Queued, (await Mine(tenantId)).Single().Status);
        await succeeded.Start(1);
        Assert.Equal(JobStatus.Running, (await Mine(tenantId)).Single().Status);
        await succeeded.Complete(1, Specs.Result("a", "b"));

        var failed = cluster.Grains.GetGrain<IGenerationJobGrain>(Specs.NewJobId());
        await failed.Submit(Specs.Of(tenantId));
        await failed.Start(1);
        await failed.Fail(1, "identity 'idn_x' does not exist");

        var jobs = await Mine(tenantId);
        Assert.Equal([failed.GetPrimaryKeyString(), succeeded.GetPrimaryKeyString()], jobs.Select(j => j.JobId)); // newest first
        var done = jobs[1];
        Assert.Equal((JobStatus.Succeeded, "a photo of a woman", 2), (done.Status, done.Prompt, done.ImageCount));
        Assert.Equal([42UL, 43UL], done.Seeds);
        Assert.Equal((JobStatus.Failed, "identity 'idn_x' does not exist"), (jobs[0].Status, jobs[0].Error));
    }

    [Fact]
    public async Task Each_end_counts_once_in_its_minute_and_a_late_report_never_reopens_a_job()
    {
        var minute = OperationsGrain.MinuteOf(DateTimeOffset.UtcNow.AddMinutes(-37));
        var job = Activity("t-minutes", JobStatus.Running, minute.AddSeconds(5));
        await Operations.Record(job);
        await Operations.Record(job with { Status = JobStatus.Succeeded, UpdatedAt = minute.AddSeconds(20) });
        await Operations.Record(job with { Status = JobStatus.Succeeded, UpdatedAt = minute.AddSeconds(25) }); // the end told again
        await Operations.Record(job with { Status = JobStatus.Running, UpdatedAt = minute.AddSeconds(30) });   // a late report
        await Operations.Record(Activity("t-minutes", JobStatus.Failed, minute.AddSeconds(40)));

        var read = await Operations.Read();
        Assert.Equal(60, read.LastHour.Count);
        Assert.Equal(new MinuteCount(minute, Succeeded: 1, Failed: 1), read.LastHour.Single(m => m.Minute == minute));
        Assert.Equal(JobStatus.Succeeded, read.Jobs.Single(j => j.JobId == job.JobId).Status);
    }

    [Fact]
    public async Task The_ring_keeps_live_jobs_and_drops_the_oldest_finished_ones_first()
    {
        var tenantId = $"ring-{Guid.NewGuid():N}"[..16];
        var start = DateTimeOffset.UtcNow.AddMinutes(-50);
        var live = Activity(tenantId, JobStatus.Running, start);
        await Operations.Record(live);
        var finished = Enumerable.Range(1, OperationsGrain.MaxJobs + 5)
            .Select(i => Activity(tenantId, JobStatus.Cancelled, start.AddMilliseconds(i))).ToList();
        foreach (var job in finished) await Operations.Record(job);

        var kept = (await Operations.Read()).Jobs;
        Assert.True(kept.Count <= OperationsGrain.MaxJobs);
        Assert.Contains(kept, j => j.JobId == live.JobId);
        Assert.DoesNotContain(kept, j => j.JobId == finished[0].JobId);
        Assert.Contains(kept, j => j.JobId == finished[^1].JobId);
    }

    [Fact]
    public async Task Heartbeats_give_each_worker_its_jobs_per_minute_and_silent_workers_leave()
    {
        var now = DateTimeOffset.UtcNow;
        var busy = $"busy-{Guid.NewGuid():N}";
        await Operations.Heartbeat(new WorkerHeartbeat(busy, 2, 1, Completed: 10, now.AddMinutes(-10)));
        await Operations.Heartbeat(new WorkerHeartbeat(busy, 2, 2, Completed: 30, now));
        var silent = $"silent-{Guid.NewGuid():N}";
        await Operations.Heartbeat(new WorkerHeartbeat(silent, 1, 0, 0, now - OperationsGrain.WorkerSilence - TimeSpan.FromSeconds(5)));

        var workers = (await Operations.Read()).Workers;
        var worker = Assert.Single(workers, w => w.Last.WorkerId == busy);
        Assert.Equal((2, 2, 30L), (worker.Last.Capacity!.Value, worker.Last.InFlight, worker.Last.Completed));
        Assert.Equal(2.0, worker.JobsPerMinute, precision: 6);
        Assert.DoesNotContain(workers, w => w.Last.WorkerId == silent);
    }

    private async Task<List<JobActivity>> Mine(string tenantId) =>
        (await Operations.Read()).Jobs.Where(j => j.TenantId == tenantId).ToList();

    private static JobActivity Activity(string tenantId, JobStatus status, DateTimeOffset at) =>
        new(Specs.NewJobId(), tenantId, status, "a photo of a man", [1UL], 1, status == JobStatus.Failed ? "broken" : null, at, at);
}
