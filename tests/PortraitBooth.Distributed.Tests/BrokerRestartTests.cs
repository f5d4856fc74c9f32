using System.Diagnostics;
using System.Net;
using System.Text.Json;
using PortraitBooth.Testing;

namespace PortraitBooth.Distributed.Tests;

/// <summary>
/// Failure test (b): RabbitMQ restarted (graceful stop, same port and data folder) while jobs wait in the durable job
/// queue. The persistent messages survive, the api silo's bus reconnects by itself, and every job runs exactly once.
/// </summary>
public sealed class BrokerRestartTests(GeneratedPacks packs, ConvertedFaceModels faceModels)
{
    private const int Waiting = 3;
    private const string JobQueue = "generate-portrait"; // JobQueueOptions.QueueName

    [Fact]
    public async Task Restarting_rabbitmq_with_jobs_in_the_queue_loses_none_and_runs_each_once()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = new DistributedCluster(packs, faceModels);
        await using var broker = new ServiceRestart("rabbitmq");
        await ServiceRestart.Purge(JobQueue);
        var clock = Stopwatch.StartNew();
        // No gpu silo yet: every job the api silo sends stays in the queue.
        var api = await cluster.StartSilo("api", "api");
        // An in-flight cap above the job count: every job goes to the broker at once (none waits in the tenant grain).
        var (tenantId, key) = await DistributedCluster.NewTenant(api, maxJobsInFlight: 10);
        using var client = DistributedCluster.Client(api, key);
        var identityId = await DistributedCluster.CreateIdentity(client);
        var jobIds = new List<string>();
        for (var i = 0; i < Waiting; i++)
            jobIds.Add(await DistributedCluster.Submit(client, new { prompt = "a photo of a man", identities = new[] { identityId }, steps = 2, seed = 10 + i }));

        var depth = await Poll(() => ServiceRestart.QueueDepth(JobQueue), d => d >= Waiting, TimeSpan.FromSeconds(30));
        Assert.True(depth == Waiting, $"queue depth {depth} before the restart, expected {Waiting}\n{cluster.Logs()}");

        var stoppedAt = clock.Elapsed;
        await broker.Stop();
        await broker.Start();
        var restartedAt = clock.Elapsed;
        Assert.Equal(Waiting, await ServiceRestart.QueueDepth(JobQueue));

        // The api silo reconnects by itself: it reports ready again and sends a new job through the restarted broker.
        await api.WaitReady(TimeSpan.FromSeconds(60));
        jobIds.Add(await Poll(() => DistributedCluster.Submit(client, new { prompt = "a photo of a man", identities = new[] { identityId }, steps = 2, seed = 20 }),
            _ => true, TimeSpan.FromSeconds(60)));
        await Poll(() => ServiceRestart.QueueDepth(JobQueue), d => d == Waiting + 1, TimeSpan.FromSeconds(30));

        await cluster.StartSilo("gpu", "gpu");
        var finals = new List<JsonElement>();
        foreach (var jobId in jobIds) finals.Add(await DistributedCluster.WaitFinished(client, jobId, TimeSpan.FromMinutes(2)));
        var summary = string.Join("\n", finals.Select(f => $"{f.GetProperty("id")}: {f.GetProperty("status")} attempts {f.GetProperty("attempts")}"));
        Assert.True(finals.All(f => f.GetProperty("status").GetString() == "succeeded"), $"{summary}\n{cluster.Logs()}");
        foreach (var job in finals)
        {
            var jobId = job.GetProperty("id").GetString()!;
            Assert.True(job.GetProperty("attempts").GetInt32() == 1, summary);
            Assert.Equal(new[] { $"{cluster.KeyPrefix}result:{tenantId}/{jobId}/1/0" }, cluster.ResultKeys(tenantId, jobId));
            using var image = await client.GetAsync(Assert.Single(job.GetProperty("images").EnumerateArray()).GetString(), ct);
            Assert.Equal(HttpStatusCode.OK, image.StatusCode);
        }
        Assert.Equal(0, await ServiceRestart.QueueDepth(JobQueue));
        TestContext.Current.SendDiagnosticMessage(
            $"broker stopped at {stoppedAt.TotalSeconds:F1} s with {depth} jobs queued, back at {restartedAt.TotalSeconds:F1} s, all done at {clock.Elapsed.TotalSeconds:F1} s\n{summary}");
    }

    /// <summary>Calls until the answer satisfies the condition (exceptions count as not yet); the last answer, or the last exception, at the deadline.</summary>
    internal static async Task<T> Poll<T>(Func<Task<T>> call, Func<T, bool> done, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                var value = await call();
                if (done(value) || clock.Elapsed > timeout) return value;
            }
            catch (Exception e) when (e is not OperationCanceledException || !TestContext.Current.CancellationToken.IsCancellationRequested)
            {
                if (clock.Elapsed > timeout) throw new TimeoutException($"no success within {timeout.TotalSeconds:F0} s: {e.Message}", e);
            }
            await Task.Delay(250);
        }
    }
}
