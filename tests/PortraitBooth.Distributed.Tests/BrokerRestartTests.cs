using System.Diagnostics;
using System.Net;
using System.Text.Json;
using PortraitBooth.Testing;

namespace PortraitBooth.Distributed.Tests;

/// <summary>
/// Failure test (b): RabbitMQ restarted (graceful stop, same port and data folder) while jobs wait in the durable job
/// queue, and while a gpu silo is in the middle of one. The persistent messages survive, the silos' buses reconnect by
/// themselves, and every job completes exactly once.
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

    [Fact]
    public async Task Restarting_rabbitmq_while_a_gpu_silo_is_mid_job_completes_every_job_exactly_once()
    {
        await using var cluster = new DistributedCluster(packs, faceModels);
        await using var broker = new ServiceRestart("rabbitmq");
        await ServiceRestart.Purge(JobQueue);
        var clock = Stopwatch.StartNew();
        var api = await cluster.StartSilo("api", "api");
        await cluster.StartSilo("gpu", "gpu");
        var (tenantId, key) = await DistributedCluster.NewTenant(api, maxJobsInFlight: 10);
        using var client = DistributedCluster.Client(api, key);
        // Long jobs the gpu silo (capacity 1) is sampling when the broker stops (512 px, the most steps and images a
        // request may ask: tiny-pack steps take milliseconds at the default size). Two of them, because on an idle
        // machine one can end within the seconds rabbitmqctl takes to stop the broker. Short ones wait behind them.
        var jobIds = new List<string>();
        for (var i = 0; i < 2; i++)
            jobIds.Add(await DistributedCluster.Submit(client, new { prompt = "a photo of a man", steps = 150, count = 4, width = 512, height = 512, seed = 30 + i }));
        for (var i = 0; i < Waiting; i++)
            jobIds.Add(await DistributedCluster.Submit(client, new { prompt = "a photo of a man", steps = 2, seed = 31 + i }));
        var running = await Poll(() => DistributedCluster.Get(client, jobIds[0]),
            j => j.GetProperty("status").GetString() == "running" && j.GetProperty("progress").GetProperty("step").GetInt32() >= 1, TimeSpan.FromSeconds(60));
        Assert.True(running.GetProperty("status").GetString() == "running", $"{running}\n{cluster.Logs()}");

        var stoppedAt = clock.Elapsed;
        await broker.Stop();
        // Checked after the stop (rabbitmqctl takes seconds): the long job was mid-sampling and the others still
        // waited in the queue (dispatched, never started) for the whole time the broker took to stop.
        var atStop = await Task.WhenAll(jobIds.Select(id => DistributedCluster.Get(client, id)));
        var states = string.Join(", ", atStop.Select(j => $"{j.GetProperty("status")} {j.GetProperty("progress").GetProperty("step")}/{j.GetProperty("progress").GetProperty("total_steps")}"));
        var mid = Array.FindIndex(atStop, j => j.GetProperty("status").GetString() == "running");
        Assert.True(mid is 0 or 1 && atStop.Take(mid).All(j => j.GetProperty("status").GetString() == "succeeded")
                    && atStop.Skip(mid + 1).All(j => j.GetProperty("status").GetString() == "queued"),
            $"expected a long job running, the jobs behind it queued when the broker stopped: {states}");
        var stepAtStop = atStop[mid].GetProperty("progress").GetProperty("step").GetInt32();
        await broker.Start();
        var restartedAt = clock.Elapsed;

        // Exactly once: the images of one attempt only (the recorded one), however often the broker redelivered the
        // message whose ack the stop interrupted; a redelivery after success is skipped by the job grain.
        var (finals, summary) = await cluster.ExpectEachSucceededOnce(client, tenantId, jobIds, TimeSpan.FromMinutes(4));
        Assert.All(finals.Skip(mid + 1), f => Assert.Equal(1, f.GetProperty("attempts").GetInt32())); // they waited in the queue, never started
        await Poll(() => ServiceRestart.QueueDepth(JobQueue, "messages_unacknowledged"), d => d == 0, TimeSpan.FromSeconds(30));
        Assert.Equal(0, await ServiceRestart.QueueDepth(JobQueue));
        Assert.Equal(0, await ServiceRestart.QueueDepth(JobQueue, "messages_unacknowledged"));
        TestContext.Current.SendDiagnosticMessage(
            $"broker stopped at {stoppedAt.TotalSeconds:F1} s (long job at step {stepAtStop}), back at {restartedAt.TotalSeconds:F1} s, all done at {clock.Elapsed.TotalSeconds:F1} s\n{summary}");
    }

    [Fact]
    public async Task A_job_submitted_while_rabbitmq_is_down_is_accepted_and_runs_once_the_broker_is_back()
    {
        await using var cluster = new DistributedCluster(packs, faceModels);
        await using var broker = new ServiceRestart("rabbitmq");
        await ServiceRestart.Purge(JobQueue);
        var api = await cluster.StartSilo("api", "api");
        await cluster.StartSilo("gpu", "gpu");
        // One job in flight: the first waits in its job grain's outbox, the second in the tenant's queue behind it.
        var (tenantId, key) = await DistributedCluster.NewTenant(api, maxJobsInFlight: 1);
        using var client = DistributedCluster.Client(api, key);

        await broker.Stop();
        var clock = Stopwatch.StartNew();
        var jobIds = new List<string>();
        for (var i = 0; i < 2; i++) jobIds.Add(await DistributedCluster.Submit(client, new { prompt = "a photo of a man", steps = 2, seed = 40 + i }));
        var acceptedIn = clock.Elapsed;
        await Task.Delay(TimeSpan.FromSeconds(3)); // a few failed sends
        Assert.All(await Task.WhenAll(jobIds.Select(id => DistributedCluster.Get(client, id))), j => Assert.Equal("queued", j.GetProperty("status").GetString()));
        await broker.Start();
        var restartedAt = clock.Elapsed;

        var (_, summary) = await cluster.ExpectEachSucceededOnce(client, tenantId, jobIds, TimeSpan.FromMinutes(2));
        TestContext.Current.SendDiagnosticMessage(
            $"2 jobs accepted in {acceptedIn.TotalSeconds:F1} s with the broker down, broker back at {restartedAt.TotalSeconds:F1} s, all done at {clock.Elapsed.TotalSeconds:F1} s\n{summary}");
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
