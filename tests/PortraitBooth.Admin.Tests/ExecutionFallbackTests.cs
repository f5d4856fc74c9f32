using System.Net;
using System.Text.Json;
using PortraitBooth.Api.Tests;
using PortraitBooth.Testing;

namespace PortraitBooth.Admin.Tests;

/// <summary>A host asked for CUDA with <c>Fallback=cpu</c> on the CPU build: it serves, and says where it really runs.</summary>
public sealed class ExecutionFallbackTests(ExecutionFallbackTests.CudaFallbackHost host) : IClassFixture<ExecutionFallbackTests.CudaFallbackHost>
{
    public sealed class CudaFallbackHost(GeneratedPacks packs, ConvertedFaceModels faceModels) : HostFixture(packs, faceModels)
    {
        protected override IEnumerable<string> Settings =>
            ["--PortraitBooth:Inference:ExecutionProvider=cuda", "--PortraitBooth:Inference:Fallback=cpu", "--PortraitBooth:HeartbeatInterval=00:00:00.200"];
    }

    [Fact]
    public async Task Readiness_the_metric_and_the_dashboards_gpu_silos_say_it_runs_on_the_cpu()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = host.Client();

        using var ready = await client.GetAsync("/health/ready", ct);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode); // degraded is still ready: jobs run, slower
        using var report = JsonDocument.Parse(await ready.Content.ReadAsStringAsync(ct));
        var check = report.RootElement.GetProperty("checks").GetProperty("execution-provider");
        Assert.Equal("Degraded", check.GetProperty("status").GetString());
        Assert.StartsWith("running on cpu instead of cuda:0: cuda was asked for, but this build has ONNX Runtime's CPU package",
            check.GetProperty("description").GetString());

        var metrics = await PrometheusScrape.Read(client, ct);
        Assert.Equal(1, metrics.Sum("portraitbooth_inference_cpu_fallback", ("device", "cpu")));

        using var session = new DashboardSession(host.BaseAddress);
        await session.SignedIn();
        var devices = new List<string>();
        for (var tries = 0; tries < 50 && devices.Count == 0; tries++)
        {
            if (tries > 0) await Task.Delay(100, ct);
            using var overview = JsonDocument.Parse(await session.Client.GetStringAsync("/admin/api/overview", ct));
            devices = overview.RootElement.GetProperty("workers").EnumerateArray().Select(w => w.GetProperty("device").GetString()!).ToList();
        }
        Assert.Equal(["cpu (fallback)"], devices);
    }
}
