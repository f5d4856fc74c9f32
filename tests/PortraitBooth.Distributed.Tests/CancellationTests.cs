using System.Net;
using PortraitBooth.Testing;

namespace PortraitBooth.Distributed.Tests;

/// <summary>
/// Cancelling a job that a gpu silo is sampling: the job grain records Cancelled, the gpu silo sees it at its next
/// progress report and stops between steps, stores nothing, and acks the message (it is never redelivered).
/// </summary>
public sealed class CancellationTests(GeneratedPacks packs, ConvertedFaceModels faceModels)
{
    private const string JobQueue = "generate-portrait"; // JobQueueOptions.QueueName

    [Fact]
    public async Task Cancelling_a_running_job_stops_the_gpu_silo_between_steps_and_acks_its_message()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = new DistributedCluster(packs, faceModels);
        await ServiceRestart.Purge(JobQueue);
        var api = await cluster.StartSilo("api", "api");
        await cluster.StartSilo("gpu", "gpu");
        var (tenantId, key) = await DistributedCluster.NewTenant(api);
        using var client = DistributedCluster.Client(api, key);

        // Long enough (4 images × 150 steps at 256 px; tiny-pack steps take milliseconds at 128) that the cancel lands mid-sampling.
        var jobId = await DistributedCluster.Submit(client, new { prompt = "a photo of a man", steps = 150, count = 4, width = 256, height = 256, seed = 5 });
        var running = await BrokerRestartTests.Poll(() => DistributedCluster.Get(client, jobId),
            j => j.GetProperty("status").GetString() == "running" && j.GetProperty("progress").GetProperty("step").GetInt32() >= 1, TimeSpan.FromSeconds(60));
        Assert.True(running.GetProperty("status").GetString() == "running", $"{running}\n{cluster.Logs()}");
        using (var cancel = await client.PostAsync($"/v1/generations/{jobId}/cancel", null, ct))
            Assert.Equal("cancelled", (await DistributedCluster.Expect(cancel, HttpStatusCode.OK)).GetProperty("status").GetString());

        // The gpu silo (capacity 1) runs a second job only once the cancelled one has returned, i.e. its message was acked.
        var nextId = await DistributedCluster.Submit(client, new { prompt = "a photo of a man", steps = 2, seed = 6 });
        var next = await DistributedCluster.WaitFinished(client, nextId, TimeSpan.FromMinutes(2));
        Assert.True(next.GetProperty("status").GetString() == "succeeded", $"{next}\n{cluster.Logs()}");

        var cancelled = await DistributedCluster.Get(client, jobId);
        Assert.Equal("cancelled", cancelled.GetProperty("status").GetString());
        Assert.Equal(1, cancelled.GetProperty("attempts").GetInt32()); // no redelivery started it again
        var step = cancelled.GetProperty("progress").GetProperty("step").GetInt32();
        Assert.InRange(step, 1, 4 * 150 - 1);
        Assert.Empty(cluster.ResultKeys(tenantId, jobId)); // the images sampled before the cancel were deleted
        Assert.Equal(0, await ServiceRestart.QueueDepth(JobQueue));
        Assert.Equal(0, await ServiceRestart.QueueDepth(JobQueue, "messages_unacknowledged"));
        Assert.Contains(cluster.Silos[1].Tail(200).Split('\n'), l => l.Contains(jobId) && l.Contains("cancelled while running"));
        TestContext.Current.SendDiagnosticMessage($"cancelled at step {step} of {4 * 150}");
    }
}
