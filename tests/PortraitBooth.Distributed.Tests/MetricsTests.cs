using PortraitBooth.Testing;

namespace PortraitBooth.Distributed.Tests;

/// <summary>Every role serves its own <c>/metrics</c>: job outcomes where the grains live, sampling where the jobs run.</summary>
public sealed class MetricsTests(GeneratedPacks packs, ConvertedFaceModels faceModels)
{
    [Fact]
    public async Task The_api_silo_counts_the_tenants_jobs_and_the_gpu_silo_measures_their_sampling()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = new DistributedCluster(packs, faceModels);
        var api = await cluster.StartSilo("api", "api");
        var gpu = await cluster.StartSilo("gpu", "gpu");
        using var apiScraper = DistributedCluster.Client(api);
        using var gpuScraper = DistributedCluster.Client(gpu);

        var (tenantId, key) = await DistributedCluster.NewTenant(api);
        using var client = DistributedCluster.Client(api, key);
        var identityId = await DistributedCluster.CreateIdentity(client);
        var jobId = await DistributedCluster.Submit(client, new { prompt = "a photo of a man", identities = new[] { identityId }, steps = 6, count = 2, seed = 3 });
        var job = await DistributedCluster.WaitFinished(client, jobId, TimeSpan.FromMinutes(2));
        Assert.True(job.GetProperty("status").GetString() == "succeeded", $"{job}\n{cluster.Logs()}");

        var apiMetrics = await PrometheusScrape.Read(apiScraper, ct);
        Assert.Equal(1, apiMetrics.Sum("portraitbooth_jobs_submitted_total", ("tenant", tenantId)));
        Assert.Equal(1, apiMetrics.Sum("portraitbooth_jobs_succeeded_total", ("tenant", tenantId)));
        Assert.Equal(1, apiMetrics.Sum("portraitbooth_face_analysis_duration_seconds_count")); // the upload's face work
        Assert.False(apiMetrics.Has("portraitbooth_sampling_step_duration_seconds_count")); // no worker here

        // The job grain records completion before the gpu silo's consumer returns: wait for its in-flight count to drop.
        var gpuMetrics = await PrometheusScrape.Read(gpuScraper, ct);
        for (var deadline = DateTime.UtcNow.AddSeconds(30); gpuMetrics.Sum("portraitbooth_worker_jobs_in_flight") != 0 && DateTime.UtcNow < deadline;)
        {
            await Task.Delay(400, ct);
            gpuMetrics = await PrometheusScrape.Read(gpuScraper, ct);
        }
        Assert.Equal(12, gpuMetrics.Sum("portraitbooth_sampling_step_duration_seconds_count"));
        Assert.Equal(2, gpuMetrics.Sum("portraitbooth_sampling_image_duration_seconds_count"));
        Assert.True(gpuMetrics.Has("portraitbooth_worker_jobs_in_flight"), gpuMetrics.Text);
        Assert.Equal(0, gpuMetrics.Sum("portraitbooth_worker_jobs_in_flight"));
        Assert.False(gpuMetrics.Has("portraitbooth_jobs_submitted_total")); // no grains here
    }
}
