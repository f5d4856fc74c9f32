using System.Diagnostics;
using System.Net;
using PortraitBooth.Testing;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace PortraitBooth.Distributed.Tests;

/// <summary>The serve walk-through over HTTP with an api silo and a gpu silo as separate processes.</summary>
public sealed class WalkthroughTests(GeneratedPacks packs, ConvertedFaceModels faceModels)
{
    [Fact]
    public async Task Tenant_identity_generation_and_png_from_redis_across_an_api_and_a_gpu_silo()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = new DistributedCluster(packs, faceModels);
        var clock = Stopwatch.StartNew();
        var api = await cluster.StartSilo("api", "api");
        await cluster.StartSilo("gpu", "gpu");
        TestContext.Current.SendDiagnosticMessage($"two silos ready in {clock.Elapsed.TotalSeconds:F1} s");

        // One job in flight at a time: a long first job holds the slot, so the second is still queued (not yet sent to
        // the broker) when the api silo's stream subscribes, and every step the gpu silo samples can be seen.
        var (tenantId, key) = await DistributedCluster.NewTenant(api, maxJobsInFlight: 1);
        using var client = DistributedCluster.Client(api, key);
        var identityId = await DistributedCluster.CreateIdentity(client);
        var longJobId = await DistributedCluster.Submit(client, new { prompt = "a photo of a man", identities = new[] { identityId }, steps = 100, seed = 3, count = 2 });
        var jobId = await DistributedCluster.Submit(client, new { prompt = "a photo of a man wearing a red hat", identities = new[] { identityId }, steps = 8, seed = 7 });

        // Progress pushed from the gpu silo through Redis pub/sub to the api silo's stream: steps 1..8 in order, then the end.
        var streamed = Stopwatch.StartNew();
        var events = await EventStream.Follow(client, jobId, ct);
        Assert.True(events.Count > 0 && events[^1].Type == "succeeded", $"{string.Join("\n", events.Select(e => $"{e.Type} {e.Data}"))}\n{cluster.Logs()}");
        Assert.Equal("queued", events[0].Data.GetProperty("status").GetString());
        Assert.All(events[..^1], e => Assert.Equal("progress", e.Type));
        var steps = events[..^1].Select(e => e.Data.GetProperty("progress").GetProperty("step").GetInt32()).Where(s => s > 0);
        Assert.Equal(Enumerable.Range(1, 8), steps);
        Assert.Equal(8, events[^1].Data.GetProperty("progress").GetProperty("step").GetInt32());
        TestContext.Current.SendDiagnosticMessage($"{events.Count} events streamed in {streamed.Elapsed.TotalSeconds:F1} s");
        Assert.Equal("succeeded", (await DistributedCluster.WaitFinished(client, longJobId, TimeSpan.FromMinutes(1))).GetProperty("status").GetString());

        var job = await DistributedCluster.WaitFinished(client, jobId, TimeSpan.FromMinutes(2));
        Assert.True(job.GetProperty("status").GetString() == "succeeded", $"{job}\n{cluster.Logs()}");
        Assert.Equal(1, job.GetProperty("attempts").GetInt32());

        var url = Assert.Single(job.GetProperty("images").EnumerateArray()).GetString()!;
        using var response = await client.GetAsync(url, ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var png = Image.Load<Rgb24>(await response.Content.ReadAsByteArrayAsync(ct));
        Assert.Equal(job.GetProperty("width").GetInt32(), png.Width);

        // The image the api silo served is the one the gpu silo wrote to Redis, under the tenant's key, with a TTL.
        var stored = Assert.Single(cluster.ResultKeys(tenantId, jobId));
        Assert.Equal($"{cluster.KeyPrefix}result:{tenantId}/{jobId}/1/0", stored);
        var ttl = await cluster.Redis.GetDatabase().KeyTimeToLiveAsync(stored);
        Assert.InRange(ttl!.Value, TimeSpan.FromMinutes(1), TimeSpan.FromHours(1));
        TestContext.Current.SendDiagnosticMessage($"walk-through done in {clock.Elapsed.TotalSeconds:F1} s");
    }
}
