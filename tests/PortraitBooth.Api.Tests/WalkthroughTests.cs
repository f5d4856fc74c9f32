using System.Diagnostics;
using System.Net;
using System.Text.Json;
using PortraitBooth.Inference.Faces;
using PortraitBooth.Inference.Images;
using PortraitBooth.Inference.Packs;
using PortraitBooth.Inference.Sampling;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using PortraitBooth.Testing;

namespace PortraitBooth.Api.Tests;

public sealed class WalkthroughTests(HostFixture host) : IClassFixture<HostFixture>
{
    [Fact]
    public async Task Tenant_identity_generation_events_and_png()
    {
        var ct = TestContext.Current.CancellationToken;
        // One job in flight at a time: the first job holds the slot, so the second is still queued when its stream subscribes.
        var (_, key) = await host.NewTenant(maxJobsInFlight: 1);
        using var client = host.Client(key);

        var identity = await ApiClient.CreateIdentity(client);
        var identityId = identity.GetProperty("id").GetString()!;
        Assert.StartsWith("idn_", identityId);
        Assert.True(identity.GetProperty("faces_found").GetInt32() >= 1);
        Assert.Equal(4, identity.GetProperty("face_box").GetArrayLength());
        Assert.Equal("George", identity.GetProperty("name").GetString());

        var listed = await ApiClient.Expect(await client.GetAsync("/v1/identities", ct), HttpStatusCode.OK);
        Assert.Contains(listed.GetProperty("items").EnumerateArray(), i => i.GetProperty("id").GetString() == identityId);
        await ApiClient.Expect(await client.GetAsync($"/v1/identities/{identityId}", ct), HttpStatusCode.OK);

        var packs = await ApiClient.Expect(await client.GetAsync("/v1/packs", ct), HttpStatusCode.OK);
        Assert.Equal("tiny", packs.GetProperty("default_pack").GetString());

        // A long first job (4 × 150 steps) holds the tenant's single in-flight slot, so the second job is still queued
        // when its event stream subscribes and every one of its steps can be seen.
        var job = await ApiClient.Submit(client, new { prompt = "a photo of a man wearing a red hat", identities = new[] { identityId }, steps = 150, seed = 7, count = 4 });
        var jobId = job.GetProperty("id").GetString()!;
        Assert.Equal([7ul, 8ul, 9ul, 10ul], job.GetProperty("seeds").EnumerateArray().Select(s => s.GetUInt64()));
        var queued = await ApiClient.Submit(client, new { prompt = "a photo of a man", identities = new[] { identityId }, seed = 3 });

        // Pushed progress: the tiny pack's fast steps coalesced (a burst of 10, then 10 per second), in order, the
        // last step always among them, then the final state.
        var stepEvents = await EventStream.Follow(client, queued.GetProperty("id").GetString()!, ct);
        Assert.Equal("queued", stepEvents[0].Data.GetProperty("status").GetString());
        Assert.Equal("succeeded", stepEvents[^1].Type);
        Assert.All(stepEvents[..^1], e => Assert.Equal("progress", e.Type));
        var steps = stepEvents[..^1].Select(e => e.Data.GetProperty("progress").GetProperty("step").GetInt32()).Where(s => s > 0).ToList();
        Assert.Equal(Enumerable.Range(1, Math.Min(10, steps.Count)), steps.Take(10)); // the burst: every step while it lasts
        Assert.Equal(steps.Order().Distinct(), steps);
        Assert.Equal(50, steps[^1]);
        Assert.Equal(50, stepEvents[^1].Data.GetProperty("progress").GetProperty("step").GetInt32());

        var events = await EventStream.Follow(client, jobId, ct);
        Assert.Equal("succeeded", events[^1].Type);
        Assert.All(events[..^1], e => Assert.Equal("progress", e.Type));
        var final = events[^1].Data;
        Assert.Equal("succeeded", final.GetProperty("status").GetString());
        Assert.Equal(600, final.GetProperty("progress").GetProperty("total_steps").GetInt32());
        Assert.True(final.GetProperty("expires_at").GetDateTimeOffset() > DateTimeOffset.UtcNow);

        var read = await ApiClient.Expect(await client.GetAsync($"/v1/generations/{jobId}", ct), HttpStatusCode.OK);
        var images = read.GetProperty("images").EnumerateArray().Select(i => i.GetString()!).ToList();
        Assert.Equal(4, images.Count);
        foreach (var url in images)
        {
            using var response = await client.GetAsync(url, ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
            using var png = Image.Load<Rgb24>(await response.Content.ReadAsByteArrayAsync(ct));
            Assert.Equal(read.GetProperty("width").GetInt32(), png.Width);
            Assert.Equal(read.GetProperty("height").GetInt32(), png.Height);
        }
        await ApiClient.ExpectProblem(await client.GetAsync($"/v1/generations/{jobId}/images/4", ct), HttpStatusCode.NotFound);

        var jobs = await ApiClient.Expect(await client.GetAsync("/v1/generations?limit=10", ct), HttpStatusCode.OK);
        Assert.Contains(jobs.GetProperty("items").EnumerateArray(), j => j.GetProperty("id").GetString() == jobId);

        using (var deleted = await client.DeleteAsync($"/v1/identities/{identityId}", ct))
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        await ApiClient.ExpectProblem(await client.GetAsync($"/v1/identities/{identityId}", ct), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Idempotency_key_gives_the_same_job_and_refuses_a_different_body()
    {
        var ct = TestContext.Current.CancellationToken;
        var (_, key) = await host.NewTenant();
        using var client = host.Client(key);
        var body = new { prompt = "a painting of a mountain", steps = 2 };
        var first = await ApiClient.Submit(client, body, "retry-1");
        var second = await ApiClient.Submit(client, body, "retry-1");
        Assert.Equal(first.GetProperty("id").GetString(), second.GetProperty("id").GetString());
        Assert.Equal(first.GetProperty("seeds")[0].GetUInt64(), second.GetProperty("seeds")[0].GetUInt64());
        var other = await ApiClient.Submit(client, body, "retry-2");
        Assert.NotEqual(first.GetProperty("id").GetString(), other.GetProperty("id").GetString());

        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/generations")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new { prompt = "a painting of a river", steps = 2 }),
        };
        request.Headers.Add("Idempotency-Key", "retry-1");
        await ApiClient.ExpectProblem(await client.SendAsync(request, ct), HttpStatusCode.UnprocessableEntity);
        var jobs = await ApiClient.Expect(await client.GetAsync("/v1/generations", ct), HttpStatusCode.OK);
        Assert.Equal(2, jobs.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task OpenApi_scalar_and_health_are_served()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = host.Client();
        var document = await ApiClient.Expect(await client.GetAsync("/openapi/v1.json", ct), HttpStatusCode.OK);
        var paths = document.GetProperty("paths");
        foreach (var path in new[] { "/v1/packs", "/v1/identities", "/v1/generations", "/v1/generations/{id}/events", "/v1/admin/tenants" })
            Assert.True(paths.TryGetProperty(path, out _), $"{path} is missing from the OpenAPI document");
        using (var scalar = await client.GetAsync("/scalar", ct)) Assert.Equal(HttpStatusCode.OK, scalar.StatusCode);
        using (var live = await client.GetAsync("/health/live", ct)) Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        using (var ready = await client.GetAsync("/health/ready", ct)) Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    /// <summary>One default (50-step) tiny-pack generation through the API, POST to final event, against the pipeline in-process.</summary>
    [Fact]
    public async Task Latency_of_the_api_against_the_in_process_pipeline()
    {
        var ct = TestContext.Current.CancellationToken;
        var (_, key) = await host.NewTenant();
        using var client = host.Client(key);
        var identityId = (await ApiClient.CreateIdentity(client)).GetProperty("id").GetString()!;
        var body = new { prompt = "a photo of a man", identities = new[] { identityId }, seed = 11 };
        // One warm-up so that both sides run on opened sessions.
        await EventStream.Follow(client, (await ApiClient.Submit(client, body)).GetProperty("id").GetString()!, ct);

        var clock = Stopwatch.StartNew();
        var job = await ApiClient.Submit(client, body);
        var events = await EventStream.Follow(client, job.GetProperty("id").GetString()!, ct);
        var api = clock.Elapsed;
        Assert.Equal("succeeded", events[^1].Type);
        var sampling = events[^1].Data.GetProperty("timings").GetProperty("sampling_seconds").GetDouble();

        using var pack = ModelPack.Open(host.TinyPack);
        using var faceModels = FaceModels.Open(host.FaceModels);
        using var photo = ImageDecoding.LoadRgb(ApiClient.ClooneyPhoto);
        var face = new FaceEmbedder(pack, new AlignedFaceInput(new FaceAnalyzer(faceModels))).Embed(photo).Values;
        var pipeline = new PortraitPipeline(pack, PackTokenizer.Create(pack));
        var request = new GenerationRequest
        {
            Prompt = "a photo of a man", Faces = [face], Seed = 11,
            Steps = pack.Manifest.SamplingDefaults.Steps, Guidance = pack.Manifest.SamplingDefaults.Guidance,
            Width = pack.Manifest.SamplingDefaults.Width, Height = pack.Manifest.SamplingDefaults.Height,
        };
        pipeline.Generate(request, cancellationToken: ct).Dispose();
        clock.Restart();
        using var result = pipeline.Generate(request, cancellationToken: ct);
        var cli = clock.Elapsed;

        TestContext.Current.TestOutputHelper?.WriteLine(
            $"tiny pack, 50 steps: API POST→final event {api.TotalMilliseconds:F0} ms ({events.Count} events; worker sampling {sampling * 1000:F0} ms); " +
            $"in-process pipeline (as the CLI runs it) {cli.TotalMilliseconds:F0} ms; API overhead {(api - cli).TotalMilliseconds:F0} ms");
    }
}
