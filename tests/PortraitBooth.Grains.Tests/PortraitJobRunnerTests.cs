using PortraitBooth.Abstractions;
using PortraitBooth.Testing;
using PortraitBooth.Worker.Running;
using PortraitBooth.Abstractions.Storage;
using PortraitBooth.Worker.Storage;

namespace PortraitBooth.Grains.Tests;

public sealed class PortraitJobRunnerTests(ClusterFixture cluster, WorkerFixture worker) : IClassFixture<WorkerFixture>
{
    [Fact]
    public async Task A_repeat_request_for_the_same_identity_and_prompt_prefix_runs_no_face_encoder_and_no_fuse_module()
    {
        var (tenantId, identity) = await NewIdentity();
        var tiny = worker.Packs.Get("tiny");
        var (embeddings, fuses) = (tiny.Embedder.Runs, tiny.Pipeline.Conditioning.FuseRuns);

        var first = await Generate(tenantId, "a photo of a man", count: 2);
        Assert.Equal((JobStatus.Succeeded, 2), (first.Status, first.ResultKeys.Count));
        Assert.Equal(embeddings + 1, tiny.Embedder.Runs);
        Assert.Equal(fuses + 1, tiny.Pipeline.Conditioning.FuseRuns); // the second image reused the first's fused row
        var png = await worker.Results.Get(StoreKeys.Result(tenantId, first.JobId, attempt: 1, index: 1));
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png![..4]);
        Assert.NotNull(first.ExpiresAt);

        var second = await Generate(tenantId, "a photo of a man wearing a red hat", count: 1);
        Assert.Equal(JobStatus.Succeeded, second.Status);
        Assert.Equal(embeddings + 1, tiny.Embedder.Runs);
        Assert.Equal(fuses + 1, tiny.Pipeline.Conditioning.FuseRuns);

        var info = (await identity.Describe())!;
        Assert.Equal(1, info.Embeddings.Hits);
        Assert.Equal(1, info.FusedTokens.Hits);
    }

    [Fact]
    public async Task A_repeat_request_with_an_expression_hits_the_cache_and_another_expression_misses_it()
    {
        var (tenantId, identity) = await NewIdentity();
        var tiny = worker.Packs.Get("tiny");
        var fuses = tiny.Pipeline.Conditioning.FuseRuns;

        await Generate(tenantId, "a photo of a man", count: 1, expressions: ["happy"]);
        Assert.Equal(fuses + 1, tiny.Pipeline.Conditioning.FuseRuns);
        await Generate(tenantId, "a photo of a man", count: 1, expressions: ["happy"]); // the key has the inserted word
        Assert.Equal(fuses + 1, tiny.Pipeline.Conditioning.FuseRuns);
        await Generate(tenantId, "a photo of a man", count: 1, expressions: ["sad"]);
        Assert.Equal(fuses + 2, tiny.Pipeline.Conditioning.FuseRuns);
        await Generate(tenantId, "a photo of a man", count: 1);                        // no expression: its own row
        Assert.Equal(fuses + 3, tiny.Pipeline.Conditioning.FuseRuns);

        var info = (await identity.Describe())!;
        Assert.Equal(new CacheStats(Hits: 1, Misses: 3, Entries: 3), info.FusedTokens);
    }

    [Fact]
    public async Task Cancelling_mid_sampling_ends_the_job_cancelled_and_keeps_no_images()
    {
        var (tenantId, _) = await NewIdentity();
        var jobId = Specs.NewJobId();
        var job = cluster.Grains.GetGrain<IGenerationJobGrain>(jobId);
        await job.Submit(Spec(tenantId, "a photo of a man", count: 1, steps: 150));
        var run = worker.Runner.Run(jobId, 1);

        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await job.Get())!.Step < 2 && !run.IsCompleted && DateTime.UtcNow < deadline) await Task.Delay(5);
        Assert.False(run.IsCompleted, "sampling ended before the test could cancel it");
        await job.Cancel();

        Assert.Equal(JobRunOutcome.Cancelled, await run);
        var final = (await job.Get())!;
        Assert.Equal(JobStatus.Cancelled, final.Status);
        Assert.InRange(final.Step, 2, 149);
        Assert.Null(await worker.Results.Get(StoreKeys.Result(tenantId, jobId, attempt: 1, index: 0)));
        Assert.Equal(JobRunOutcome.Skipped, await worker.Runner.Run(jobId, 1)); // a redelivered message does nothing
    }

    [Fact]
    public async Task Request_errors_fail_the_job_with_the_message()
    {
        var (tenantId, _) = await NewIdentity();
        var job = cluster.Grains.GetGrain<IGenerationJobGrain>(Specs.NewJobId());
        await job.Submit(Spec(tenantId, "a photo of a dog", count: 1, steps: 2)); // no identity word for the face
        Assert.Equal(JobRunOutcome.Failed, await worker.Runner.Run(job.GetPrimaryKeyString(), 1));
        var failed = (await job.Get())!;
        Assert.Equal(JobStatus.Failed, failed.Status);
        Assert.Contains("identity token", failed.Error);
    }

    private async Task<(string TenantId, IIdentityGrain Identity)> NewIdentity()
    {
        var (tenantId, _) = await cluster.NewTenant(new TenantQuotas(MaxJobsInFlight: 10));
        var photoKey = $"{tenantId}/photos/george";
        await worker.Photos.Put(photoKey, await File.ReadAllBytesAsync(SharedData.Require("data", "identities", "george_clooney", "1.jpg")));
        var identity = cluster.Grains.GetGrain<IIdentityGrain>(IIdentityGrain.Key(tenantId, "george"));
        await identity.Create(new IdentityRecord(tenantId, "george", "George", photoKey, [0, 0, 1, 1], 1, DateTimeOffset.UtcNow));
        return (tenantId, identity);
    }

    private static JobSpec Spec(string tenantId, string prompt, int count, int steps, IReadOnlyList<string?>? expressions = null) =>
        new(tenantId, "tiny", prompt, "", ["george"], Seed: 7, Steps: steps, Guidance: 5f, Width: 128, Height: 128, Count: count,
            Expressions: expressions);

    private async Task<JobSnapshot> Generate(string tenantId, string prompt, int count, IReadOnlyList<string?>? expressions = null)
    {
        var jobId = Specs.NewJobId();
        var job = cluster.Grains.GetGrain<IGenerationJobGrain>(jobId);
        await job.Submit(Spec(tenantId, prompt, count, steps: 3, expressions));
        Assert.Equal(JobRunOutcome.Succeeded, await worker.Runner.Run(jobId, 1));
        return (await job.Get())!;
    }
}
