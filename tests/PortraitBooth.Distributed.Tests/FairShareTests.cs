using System.Diagnostics;
using System.Text.Json;
using PortraitBooth.Testing;

namespace PortraitBooth.Distributed.Tests;

/// <summary>
/// Fair share: tenant A submits 200 jobs, then tenant B submits 5. Each tenant's in-flight cap keeps its excess in its
/// own queue (tenant grain), out of the broker, so B's jobs reach the broker queue next to A's few instead of behind
/// all 200 of them: B's 5 finish while most of A's backlog still waits, and all 205 succeed.
/// </summary>
public sealed class FairShareTests(GeneratedPacks packs, ConvertedFaceModels faceModels)
{
    private const int JobsOfA = 200, JobsOfB = 5, Cap = 2;
    private const string JobQueue = "generate-portrait"; // JobQueueOptions.QueueName

    [Fact]
    public async Task A_tenant_with_200_jobs_queued_does_not_hold_back_another_tenants_5()
    {
        await using var cluster = new DistributedCluster(packs, faceModels);
        await ServiceRestart.Purge(JobQueue);
        var clock = Stopwatch.StartNew();
        var api = await cluster.StartSilo("api", "api");
        var (_, keyOfA) = await DistributedCluster.NewTenant(api, maxJobsInFlight: Cap);
        var (_, keyOfB) = await DistributedCluster.NewTenant(api, maxJobsInFlight: Cap);
        using var clientOfA = DistributedCluster.Client(api, keyOfA);
        using var clientOfB = DistributedCluster.Client(api, keyOfB);

        // The cheapest job the pack allows: smallest size, one step, plain text-to-image.
        var size = packs.Tiny.Manifest.Size.Min;
        object Request(int seed) => new { prompt = "a photo of a man", steps = 1, width = size, height = size, seed };

        // Every job is submitted before the gpu silo starts, so the order the broker sees does not depend on how
        // fast the machine runs jobs.
        var jobsOfA = new string[JobsOfA];
        await Parallel.ForAsync(0, JobsOfA, new ParallelOptions { MaxDegreeOfParallelism = 8 },
            async (i, _) => jobsOfA[i] = await DistributedCluster.Submit(clientOfA, Request(i)));
        var jobsOfB = new List<string>();
        for (var i = 0; i < JobsOfB; i++) jobsOfB.Add(await DistributedCluster.Submit(clientOfB, Request(1000 + i)));
        var submittedAt = clock.Elapsed;

        // Only the in-flight jobs of each tenant are in the broker queue; the rest wait in their tenant grains.
        var depth = await BrokerRestartTests.Poll(() => ServiceRestart.QueueDepth(JobQueue), d => d >= 2 * Cap, TimeSpan.FromSeconds(30));
        Assert.True(depth == 2 * Cap, $"queue depth {depth}, expected {2 * Cap} (each tenant's cap)\n{cluster.Logs()}");

        await cluster.StartSilo("gpu", "gpu");
        var finalsOfB = await WaitAll(clientOfB, jobsOfB);
        var finalsOfA = await WaitAll(clientOfA, jobsOfA);
        var failed = finalsOfA.Concat(finalsOfB).Where(j => j.GetProperty("status").GetString() != "succeeded").ToList();
        Assert.True(failed.Count == 0, $"{failed.Count} jobs did not succeed, first: {failed.FirstOrDefault()}\n{cluster.Logs()}");
        Assert.All(finalsOfA.Concat(finalsOfB), j => Assert.Equal(1, j.GetProperty("attempts").GetInt32()));

        // From the jobs' own recorded finish times: B's last job ends before A's backlog drains. With one FIFO queue
        // for everyone (no cap) it would end after all 200 of A's; with the cap it competes with A's 2 in flight only.
        var lastOfB = finalsOfB.Max(FinishedAt);
        var afterB = finalsOfA.Count(j => FinishedAt(j) > lastOfB);
        Assert.True(afterB >= JobsOfA * 3 / 4, $"only {afterB} of A's {JobsOfA} jobs finished after B's last ({lastOfB:O})");
        TestContext.Current.SendDiagnosticMessage(
            $"{JobsOfA + JobsOfB} jobs submitted in {submittedAt.TotalSeconds:F1} s; B's last finished with {afterB} of A's jobs still to finish; "
            + $"all done at {clock.Elapsed.TotalSeconds:F1} s (A's span {(finalsOfA.Max(FinishedAt) - finalsOfA.Min(FinishedAt)).TotalSeconds:F1} s)");
    }

    private static DateTimeOffset FinishedAt(JsonElement job) => job.GetProperty("timings").GetProperty("finished_at").GetDateTimeOffset();

    private static async Task<List<JsonElement>> WaitAll(HttpClient client, IEnumerable<string> jobIds)
    {
        var finals = new List<JsonElement>();
        foreach (var jobId in jobIds) finals.Add(await DistributedCluster.WaitFinished(client, jobId, TimeSpan.FromMinutes(3)));
        return finals;
    }
}
