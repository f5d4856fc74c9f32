using System.Diagnostics;
using System.Net;
using PortraitBooth.Testing;

namespace PortraitBooth.Api.Tests;

/// <summary>
/// Metrics on <c>/metrics</c> and the job's trace, read from the real host after real jobs (tests of a class run one
/// after another, so a difference between two scrapes is this test's work).
/// </summary>
public sealed class ObservabilityTests(TracedHostFixture host) : IClassFixture<TracedHostFixture>
{
    private const string Prompt = "a photo of a man wearing a red hat";

    [Fact]
    public async Task Finished_jobs_count_for_their_tenant_and_every_sampling_step_face_analysis_and_cache_lookup_is_measured()
    {
        var ct = TestContext.Current.CancellationToken;
        var (tenant, key) = await host.NewTenant();
        using var client = host.Client(key);
        using var scraper = host.Client();
        await WorkersIdle(scraper, ct);
        var before = await PrometheusScrape.Read(scraper, ct);

        var identityId = (await ApiClient.CreateIdentity(client)).GetProperty("id").GetString()!;
        // Two images of 7 steps, then the same prompt again: 21 steps, 3 images; the second job finds the fused token.
        foreach (var count in new[] { 2, 1 })
        {
            var job = await ApiClient.Submit(client, new { prompt = Prompt, identities = new[] { identityId }, steps = 7, count, seed = 5 });
            var events = await EventStream.Follow(client, job.GetProperty("id").GetString()!, ct);
            Assert.Equal("succeeded", events[^1].Type);
        }
        await WorkersIdle(scraper, ct);
        var after = await PrometheusScrape.Read(scraper, ct);
        double Delta(string name, params (string, string)[] labels) => after.Sum(name, labels) - before.Sum(name, labels);

        Assert.Equal(2, after.Sum("portraitbooth_jobs_submitted_total", ("tenant", tenant)));
        Assert.Equal(2, after.Sum("portraitbooth_jobs_succeeded_total", ("tenant", tenant)));
        Assert.False(after.Has("portraitbooth_jobs_failed_total", ("tenant", tenant)));
        Assert.Equal(0, after.Sum("portraitbooth_tenant_jobs_queued", ("tenant", tenant)));
        Assert.Equal(0, after.Sum("portraitbooth_tenant_jobs_in_flight", ("tenant", tenant)));

        Assert.Equal(21, Delta("portraitbooth_sampling_step_duration_seconds_count"));
        Assert.True(Delta("portraitbooth_sampling_step_duration_seconds_sum") > 0);
        Assert.Equal(3, Delta("portraitbooth_sampling_image_duration_seconds_count"));
        // An image takes longer than its steps alone (conditioning and decode are in it too).
        Assert.True(Delta("portraitbooth_sampling_image_duration_seconds_sum") > Delta("portraitbooth_sampling_step_duration_seconds_sum"));
        // The upload finds and embeds the face once; the worker reuses the φ the upload stored (an embedding hit).
        Assert.Equal(1, Delta("portraitbooth_face_analysis_duration_seconds_count"));
        Assert.Equal(2, Delta("portraitbooth_identity_cache_lookups_total", ("cache", "embedding"), ("result", "hit")));
        Assert.Equal(0, Delta("portraitbooth_identity_cache_lookups_total", ("cache", "embedding"), ("result", "miss")));
        Assert.Equal(1, Delta("portraitbooth_identity_cache_lookups_total", ("cache", "fused_token"), ("result", "miss")));
        Assert.Equal(1, Delta("portraitbooth_identity_cache_lookups_total", ("cache", "fused_token"), ("result", "hit")));

        // API latency: ASP.NET Core's request duration, by route.
        Assert.True(Delta("http_server_request_duration_seconds_count", ("http_route", "/v1/generations/"), ("http_request_method", "POST")) >= 2);
        Assert.True(Delta("http_server_request_duration_seconds_count", ("http_route", "/v1/identities/"), ("http_request_method", "POST")) >= 1);
    }

    [Fact]
    public async Task Queue_depth_jobs_in_flight_and_cancelled_and_failed_jobs_are_counted()
    {
        var ct = TestContext.Current.CancellationToken;
        var (tenant, key) = await host.NewTenant(maxJobsInFlight: 1);
        using var client = host.Client(key);
        using var scraper = host.Client();
        await WorkersIdle(scraper, ct);
        var before = await PrometheusScrape.Read(scraper, ct);
        var identityId = (await ApiClient.CreateIdentity(client)).GetProperty("id").GetString()!;

        // A long job (4 × 150 steps) holds the tenant's only slot; two more wait in its queue.
        async Task<string> Submit(int steps, int count) =>
            (await ApiClient.Submit(client, new { prompt = Prompt, identities = new[] { identityId }, steps, count, seed = 1 })).GetProperty("id").GetString()!;
        var running = await Submit(150, 4);
        var doomed = await Submit(7, 1);
        var dropped = await Submit(7, 1);

        var queued = await PrometheusScrape.Read(scraper, ct);
        Assert.Equal(2, queued.Sum("portraitbooth_tenant_jobs_queued", ("tenant", tenant)));
        Assert.Equal(1, queued.Sum("portraitbooth_tenant_jobs_in_flight", ("tenant", tenant)));
        Assert.Equal(1, (await WaitForWorkersInFlight(scraper, 1, ct)).Sum("portraitbooth_worker_jobs_in_flight"));

        await ApiClient.Expect(await client.PostAsync($"/v1/generations/{dropped}/cancel", null, ct), HttpStatusCode.OK);
        // The queued job's identity goes away, so it fails when it runs.
        using (var deleted = await client.DeleteAsync($"/v1/identities/{identityId}", ct))
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        await ApiClient.Expect(await client.PostAsync($"/v1/generations/{running}/cancel", null, ct), HttpStatusCode.OK);
        var events = await EventStream.Follow(client, doomed, ct);
        Assert.Equal("failed", events[^1].Type);

        var after = await WorkersIdle(scraper, ct);
        Assert.Equal(3, after.Sum("portraitbooth_jobs_submitted_total", ("tenant", tenant)));
        Assert.Equal(2, after.Sum("portraitbooth_jobs_cancelled_total", ("tenant", tenant)));
        Assert.Equal(1, after.Sum("portraitbooth_jobs_failed_total", ("tenant", tenant)));
        Assert.False(after.Has("portraitbooth_jobs_succeeded_total", ("tenant", tenant)));
        Assert.Equal(0, after.Sum("portraitbooth_tenant_jobs_queued", ("tenant", tenant)));
        Assert.Equal(0, after.Sum("portraitbooth_tenant_jobs_in_flight", ("tenant", tenant)));
        // The failed job looked for φ of its deleted identity and found none.
        Assert.Equal(1, after.Sum("portraitbooth_identity_cache_lookups_total", ("cache", "embedding"), ("result", "miss"))
            - before.Sum("portraitbooth_identity_cache_lookups_total", ("cache", "embedding"), ("result", "miss")));
    }

    [Fact]
    public async Task One_trace_follows_a_job_from_the_api_request_through_the_grain_and_the_queue_to_the_worker()
    {
        var ct = TestContext.Current.CancellationToken;
        var (_, key) = await host.NewTenant();
        using var client = host.Client(key);
        var identityId = (await ApiClient.CreateIdentity(client)).GetProperty("id").GetString()!;
        var jobId = (await ApiClient.Submit(client, new { prompt = Prompt, identities = new[] { identityId }, steps = 3, seed = 2 }))
            .GetProperty("id").GetString()!;
        Assert.Equal("succeeded", (await EventStream.Follow(client, jobId, ct))[^1].Type);

        // The worker's span ends once the job grain has the outcome, just after the stream's last event.
        Activity? run = null;
        for (var deadline = DateTime.UtcNow.AddSeconds(30); run is null && DateTime.UtcNow < deadline; await Task.Delay(100, ct))
            run = host.Spans.Snapshot().FirstOrDefault(s => s.DisplayName == "run job" && (string?)s.GetTagItem("portraitbooth.job") == jobId);
        Assert.NotNull(run);

        var trace = host.Spans.Snapshot().Where(s => s.TraceId == run.TraceId).ToList();
        var request = Assert.Single(trace, s => s.Source.Name == "Microsoft.AspNetCore" && s.DisplayName == "POST /v1/generations/");
        Assert.Equal(ActivityKind.Server, request.Kind);
        Assert.DoesNotContain(trace, s => s.SpanId == request.ParentSpanId); // the request starts the trace
        Assert.Contains(trace, s => s.Source.Name == "Microsoft.Orleans.Application" && s.DisplayName.Contains("IGenerationJobGrain/Submit"));
        Assert.Contains(trace, s => s.Source.Name == "Microsoft.Orleans.Application" && s.DisplayName.Contains("IGenerationJobGrain/Complete"));
        Assert.Contains(trace, s => s.Source.Name == "MassTransit" && s.Kind == ActivityKind.Producer);
        Assert.Contains(trace, s => s.Source.Name == "MassTransit" && s.Kind == ActivityKind.Consumer);
        foreach (var name in new[] { "conditioning", "store result" })
            Assert.Single(trace, s => s.Source.Name == "PortraitBooth" && s.DisplayName == name && s.ParentSpanId == run.SpanId);
        foreach (var name in new[] { "generate image", "encode prompt", "sampling", "decode" })
            Assert.Single(trace, s => s.Source.Name == "PortraitBooth.Inference" && s.DisplayName == name);
        // Every span of the trace hangs off another span of it, up to the request.
        Assert.All(trace.Where(s => s != request), s => Assert.Contains(trace, p => p.SpanId == s.ParentSpanId));
    }

    /// <summary>Waits until no worker runs a job (a cancelled job's sampling stops at its next step) and returns that scrape.</summary>
    private static Task<PrometheusScrape> WorkersIdle(HttpClient scraper, CancellationToken ct) => WaitForWorkersInFlight(scraper, 0, ct);

    private static async Task<PrometheusScrape> WaitForWorkersInFlight(HttpClient scraper, int jobs, CancellationToken ct)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(60); ; await Task.Delay(400, ct))
        {
            var scrape = await PrometheusScrape.Read(scraper, ct);
            if (scrape.Sum("portraitbooth_worker_jobs_in_flight") == jobs || DateTime.UtcNow > deadline) return scrape;
        }
    }
}
