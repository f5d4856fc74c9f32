using System.Net;
using PortraitBooth.Testing;

namespace PortraitBooth.Api.Tests;

/// <summary>Progress events are coalesced; a job's final state never is, whenever its stream connects.</summary>
public sealed class ProgressEventTests(HostFixture host) : IClassFixture<HostFixture>
{
    [Fact]
    public async Task A_stream_that_connects_mid_job_or_after_its_end_ends_with_the_final_state_and_full_step_count()
    {
        var ct = TestContext.Current.CancellationToken;
        var (_, key) = await host.NewTenant();
        using var client = host.Client(key);
        var job = await ApiClient.Submit(client, new { prompt = "a photo of a lighthouse", steps = 150, count = 3, seed = 4 });
        var jobId = job.GetProperty("id").GetString()!;

        // Mid-job: wait until some steps are done (the burst is spent by then), then follow.
        for (var deadline = DateTime.UtcNow.AddSeconds(60); ; await Task.Delay(20, ct))
        {
            var read = await ApiClient.Expect(await client.GetAsync($"/v1/generations/{jobId}", ct), HttpStatusCode.OK);
            if (read.GetProperty("progress").GetProperty("step").GetInt32() >= 20 || read.GetProperty("status").GetString() == "succeeded") break;
            Assert.True(DateTime.UtcNow < deadline, "the job never got going");
        }
        var midJob = await EventStream.Follow(client, jobId, ct);
        Assert.Equal("succeeded", midJob[^1].Type);
        Assert.Equal(450, midJob[^1].Data.GetProperty("progress").GetProperty("step").GetInt32());
        Assert.True(midJob.Count < 450, $"{midJob.Count} events for 450 steps: progress is coalesced");

        var late = await EventStream.Follow(client, jobId, ct);
        var only = Assert.Single(late);
        Assert.Equal("succeeded", only.Type);
        Assert.Equal(450, only.Data.GetProperty("progress").GetProperty("step").GetInt32());
    }
}
