using System.Diagnostics;
using System.Net;
using System.Text.Json;
using PortraitBooth.Testing;

namespace PortraitBooth.Distributed.Tests;

/// <summary>
/// Failure test (c): Redis restarted (SHUTDOWN, then the same port and data folder; append-only file fsynced on every
/// write) while an api and a gpu silo run and jobs are in flight. Membership, tenants, keys, identities and jobs come
/// back from the file; the jobs submitted before finish and new requests work.
/// </summary>
public sealed class RedisRestartTests(GeneratedPacks packs, ConvertedFaceModels faceModels)
{
    private static readonly TimeSpan Recovery = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Restarting_redis_while_the_cluster_runs_keeps_membership_state_and_every_job()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = new DistributedCluster(packs, faceModels);
        await using var redis = new ServiceRestart("redis");
        var clock = Stopwatch.StartNew();
        var api = await cluster.StartSilo("api", "api");
        var gpu = await cluster.StartSilo("gpu", "gpu");
        var (tenantId, key) = await DistributedCluster.NewTenant(api);
        using var client = DistributedCluster.Client(api, key);
        var identityId = await DistributedCluster.CreateIdentity(client);
        var identityBefore = await DistributedCluster.Expect(await client.GetAsync($"/v1/identities/{identityId}", ct), HttpStatusCode.OK);
        var done = await DistributedCluster.WaitFinished(client,
            await DistributedCluster.Submit(client, new { prompt = "a photo of a man", identities = new[] { identityId }, steps = 2, seed = 1 }), TimeSpan.FromMinutes(1));
        Assert.True(done.GetProperty("status").GetString() == "succeeded", $"{done}\n{cluster.Logs()}");
        // In flight during the restart: one sampling, two waiting in the queue.
        var jobIds = new List<string>();
        for (var i = 0; i < 3; i++)
            jobIds.Add(await DistributedCluster.Submit(client, new { prompt = "a photo of a man", identities = new[] { identityId }, steps = 20, seed = 10 + i }));

        var stoppedAt = clock.Elapsed;
        await redis.Stop();
        await Task.Delay(TimeSpan.FromSeconds(2), ct);
        await redis.Start();
        var restartedAt = clock.Elapsed;

        // Membership: both silos are still (or again) active in the table in Redis and report ready.
        await api.WaitReady(Recovery);
        await gpu.WaitReady(Recovery);
        Assert.False(api.HasExited || gpu.HasExited, cluster.Logs());

        // State: the tenant's key authenticates, the identity and the finished job read back unchanged.
        var identityAfter = await BrokerRestartTests.Poll(async () =>
            await DistributedCluster.Expect(await client.GetAsync($"/v1/identities/{identityId}", ct), HttpStatusCode.OK), _ => true, Recovery);
        Assert.Equal(identityBefore.ToString(), identityAfter.ToString());
        var doneAfter = await BrokerRestartTests.Poll(() => DistributedCluster.Get(client, done.GetProperty("id").GetString()!), _ => true, Recovery);
        Assert.Equal(done.GetProperty("images").ToString(), doneAfter.GetProperty("images").ToString());

        // New requests work: an identity and a job after the restart.
        var identity2 = await BrokerRestartTests.Poll(() => DistributedCluster.CreateIdentity(client), _ => true, Recovery);
        jobIds.Add(await BrokerRestartTests.Poll(() => DistributedCluster.Submit(client,
            new { prompt = "a photo of a man", identities = new[] { identity2 }, steps = 2, seed = 20 }), _ => true, Recovery));

        var (finals, summary) = await cluster.ExpectEachSucceededOnce(client, tenantId, jobIds, TimeSpan.FromMinutes(2));
        foreach (var job in finals)
        {
            using var image = await client.GetAsync(Assert.Single(job.GetProperty("images").EnumerateArray()).GetString(), ct);
            Assert.Equal(HttpStatusCode.OK, image.StatusCode);
        }
        TestContext.Current.SendDiagnosticMessage(
            $"redis stopped at {stoppedAt.TotalSeconds:F1} s, back at {restartedAt.TotalSeconds:F1} s, all done at {clock.Elapsed.TotalSeconds:F1} s\n{summary}");
    }
}
