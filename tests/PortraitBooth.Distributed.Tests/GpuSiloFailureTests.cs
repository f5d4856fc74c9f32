using System.Diagnostics;
using System.Net;
using System.Text.Json;
using PortraitBooth.Testing;

namespace PortraitBooth.Distributed.Tests;

/// <summary>Failure test (a): a gpu silo killed with SIGKILL while sampling loses no job and runs none twice.</summary>
public sealed class GpuSiloFailureTests(GeneratedPacks packs, ConvertedFaceModels faceModels)
{
    private const int Jobs = 3;

    [Fact]
    public async Task Killing_a_gpu_silo_mid_sampling_redelivers_its_job_and_every_job_completes_exactly_once()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = new DistributedCluster(packs, faceModels);
        var clock = Stopwatch.StartNew();
        var api = await cluster.StartSilo("api", "api");
        var doomed = await cluster.StartSilo("gpu-1", "gpu");

        var (tenantId, key) = await DistributedCluster.NewTenant(api);
        using var client = DistributedCluster.Client(api, key);
        var identityId = await DistributedCluster.CreateIdentity(client);
        // Slow jobs (4 images × 150 steps) so that the kill lands while one is sampling.
        var jobIds = new List<string>();
        for (var i = 0; i < Jobs; i++)
            jobIds.Add(await DistributedCluster.Submit(client, new { prompt = "a photo of a man", identities = new[] { identityId }, steps = 150, count = 4, seed = 100 + i }));

        var victim = await WaitSampling(client, jobIds, TimeSpan.FromSeconds(60));
        Assert.True(victim is not null, $"no job was seen sampling\n{cluster.Logs()}");
        var killedAt = clock.Elapsed;
        doomed.Kill();
        Assert.True(doomed.HasExited);

        await cluster.StartSilo("gpu-2", "gpu");
        var recoveredAt = clock.Elapsed;

        var finals = new List<JsonElement>();
        foreach (var jobId in jobIds) finals.Add(await DistributedCluster.WaitFinished(client, jobId, TimeSpan.FromMinutes(4)));
        var summary = string.Join("\n", finals.Select(f => $"{f.GetProperty("id")}: {f.GetProperty("status")} attempts {f.GetProperty("attempts")}"));
        Assert.True(finals.All(f => f.GetProperty("status").GetString() == "succeeded"), $"{summary}\n{cluster.Logs()}");

        // The job that was sampling when its silo died ran again as a new attempt on the other silo.
        var redelivered = finals.Single(f => f.GetProperty("id").GetString() == victim);
        Assert.True(redelivered.GetProperty("attempts").GetInt32() >= 2, summary);

        // Exactly once: each job's recorded attempt has all its images, all downloadable. A SIGKILLed attempt cannot
        // delete what it had already stored, so only an earlier attempt of a redelivered job may have left images
        // (they expire with the results' TTL); a job that ran once has nothing else.
        foreach (var job in finals)
        {
            var jobId = job.GetProperty("id").GetString()!;
            var attempt = job.GetProperty("attempts").GetInt32();
            var prefix = $"{cluster.KeyPrefix}result:{tenantId}/{jobId}/";
            var keys = cluster.ResultKeys(tenantId, jobId).ToList();
            Assert.Equal(Enumerable.Range(0, 4).Select(n => $"{prefix}{attempt}/{n}"), keys.Where(k => k.StartsWith($"{prefix}{attempt}/", StringComparison.Ordinal)));
            var leftovers = keys.Where(k => !k.StartsWith($"{prefix}{attempt}/", StringComparison.Ordinal)).ToList();
            Assert.True(leftovers.Count == 0 || (attempt >= 2 && leftovers.All(k => int.Parse(k[prefix.Length..].Split('/')[0]) < attempt)),
                $"{jobId} attempt {attempt}: unexpected images {string.Join(", ", leftovers)}");
            foreach (var url in job.GetProperty("images").EnumerateArray())
            {
                using var image = await client.GetAsync(url.GetString(), ct);
                Assert.Equal(HttpStatusCode.OK, image.StatusCode);
            }
        }
        TestContext.Current.SendDiagnosticMessage(
            $"killed gpu-1 at {killedAt.TotalSeconds:F1} s, gpu-2 ready at {recoveredAt.TotalSeconds:F1} s, all done at {clock.Elapsed.TotalSeconds:F1} s\n{summary}");
    }

    /// <summary>The first job seen running with some steps done and many left; null if none within the timeout.</summary>
    private static async Task<string?> WaitSampling(HttpClient client, IReadOnlyList<string> jobIds, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            foreach (var jobId in jobIds)
            {
                var job = await DistributedCluster.Get(client, jobId);
                var progress = job.GetProperty("progress");
                var (step, total) = (progress.GetProperty("step").GetInt32(), progress.GetProperty("total_steps").GetInt32());
                if (job.GetProperty("status").GetString() == "running" && step >= 1 && step < total / 2) return jobId;
            }
            await Task.Delay(20);
        }
        return null;
    }
}
