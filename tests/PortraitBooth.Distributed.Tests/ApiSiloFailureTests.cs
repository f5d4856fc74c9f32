using System.Diagnostics;
using System.Net;
using PortraitBooth.Testing;

namespace PortraitBooth.Distributed.Tests;

/// <summary>
/// Failure test (d): one of two api silos killed with SIGKILL. Clients of the other keep working, and the grains that
/// lived on the dead silo (tenant, keys, identity, job) reactivate on the survivor with their state from Redis.
/// </summary>
public sealed class ApiSiloFailureTests(GeneratedPacks packs, ConvertedFaceModels faceModels)
{
    private static readonly TimeSpan Recovery = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Killing_one_of_two_api_silos_keeps_the_other_serving_and_reactivates_its_grains_there()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = new DistributedCluster(packs, faceModels);
        var clock = Stopwatch.StartNew();
        // api-1 is the only silo that hosts grains while tenant A is made (gpu silos host none): A's tenant, key,
        // identity and job grains are activated on api-1 and stay there after api-2 joins.
        var doomed = await cluster.StartSilo("api-1", "api");
        await cluster.StartSilo("gpu", "gpu");
        var (tenantA, keyA) = await DistributedCluster.NewTenant(doomed);
        using var clientA1 = DistributedCluster.Client(doomed, keyA);
        var identityA = await DistributedCluster.CreateIdentity(clientA1);
        var identityBefore = await DistributedCluster.Expect(await clientA1.GetAsync($"/v1/identities/{identityA}", ct), HttpStatusCode.OK);
        var jobA = await DistributedCluster.Submit(clientA1, new { prompt = "a photo of a man", identities = new[] { identityA }, steps = 2, seed = 1 });
        var jobBefore = await DistributedCluster.WaitFinished(clientA1, jobA, TimeSpan.FromMinutes(1));
        Assert.True(jobBefore.GetProperty("status").GetString() == "succeeded", $"{jobBefore}\n{cluster.Logs()}");

        var survivor = await cluster.StartSilo("api-2", "api");
        var (_, keyB) = await DistributedCluster.NewTenant(survivor);
        using var clientB = DistributedCluster.Client(survivor, keyB);
        await DistributedCluster.CreateIdentity(clientB);

        var killedAt = clock.Elapsed;
        doomed.Kill();
        Assert.True(doomed.HasExited);

        // Tenant A's grains reactivate on api-2 from Redis: its key still authenticates, its identity and job read back.
        using var clientA2 = DistributedCluster.Client(survivor, keyA);
        var identityAfter = await Eventually(async () =>
            await DistributedCluster.Expect(await clientA2.GetAsync($"/v1/identities/{identityA}", ct), HttpStatusCode.OK), cluster);
        var reactivatedAt = clock.Elapsed;
        Assert.Equal(identityBefore.GetProperty("face_box").ToString(), identityAfter.GetProperty("face_box").ToString());
        Assert.Equal(identityBefore.GetProperty("created_at").ToString(), identityAfter.GetProperty("created_at").ToString());
        var jobAfter = await Eventually(() => DistributedCluster.Get(clientA2, jobA), cluster);
        Assert.Equal("succeeded", jobAfter.GetProperty("status").GetString());
        Assert.Equal(jobBefore.GetProperty("attempts").GetInt32(), jobAfter.GetProperty("attempts").GetInt32());
        using (var png = await clientA2.GetAsync(Assert.Single(jobAfter.GetProperty("images").EnumerateArray()).GetString(), ct))
            Assert.Equal(HttpStatusCode.OK, png.StatusCode);

        // Clients of the survivor keep working: a new identity and a generation for each tenant, end to end.
        var identityB = await Eventually(() => DistributedCluster.CreateIdentity(clientB), cluster);
        var jobs = new (HttpClient Client, string JobId)[]
        {
            (clientB, await Eventually(() => DistributedCluster.Submit(clientB, new { prompt = "a photo of a man", identities = new[] { identityB }, steps = 2, seed = 2 }), cluster)),
            (clientA2, await Eventually(() => DistributedCluster.Submit(clientA2, new { prompt = "a photo of a man", identities = new[] { identityA }, steps = 2, seed = 3 }), cluster)),
        };
        foreach (var (client, jobId) in jobs)
        {
            var job = await DistributedCluster.WaitFinished(client, jobId, TimeSpan.FromMinutes(1));
            Assert.True(job.GetProperty("status").GetString() == "succeeded", $"{job}\n{cluster.Logs()}");
        }
        TestContext.Current.SendDiagnosticMessage(
            $"killed api-1 at {killedAt.TotalSeconds:F1} s, its grains answered from api-2 at {reactivatedAt.TotalSeconds:F1} s, all done at {clock.Elapsed.TotalSeconds:F1} s ({tenantA})");
    }

    /// <summary>
    /// Retries while the cluster has not yet declared the killed silo dead (calls to its grains fail until then);
    /// the last failure is rethrown, with the silos' logs, after <see cref="Recovery"/>.
    /// </summary>
    private static async Task<T> Eventually<T>(Func<Task<T>> call, DistributedCluster cluster)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return await call();
            }
            catch (Exception e) when (e is not OperationCanceledException || !TestContext.Current.CancellationToken.IsCancellationRequested)
            {
                if (clock.Elapsed > Recovery) throw new TimeoutException($"no success within {Recovery.TotalSeconds:F0} s: {e.Message}\n{cluster.Logs()}", e);
                await Task.Delay(250);
            }
        }
    }
}
