using System.Net;
using System.Text;
using PortraitBooth.Testing;

namespace PortraitBooth.Api.Tests;

public sealed class TelemetrySwitchTests(OtlpHostFixture host) : IClassFixture<OtlpHostFixture>
{
    [Fact]
    public async Task Prometheus_off_serves_no_metrics_and_otlp_sends_metrics_and_traces_to_the_collector()
    {
        var ct = TestContext.Current.CancellationToken;
        using var anonymous = host.Client();
        using (var metrics = await anonymous.GetAsync("/metrics", ct))
            Assert.Equal(HttpStatusCode.NotFound, metrics.StatusCode);

        var (_, key) = await host.NewTenant();
        using var client = host.Client(key);
        await ApiClient.Expect(await client.GetAsync("/v1/packs", ct), HttpStatusCode.OK);

        // Protobuf keeps strings as UTF-8 bytes: the request's span name and ASP.NET Core's duration metric appear as such.
        bool Exported(string path, string text) => host.Exports.Any(e => e.Path == path && Contains(e.Body, text));
        for (var deadline = DateTime.UtcNow.AddSeconds(30); DateTime.UtcNow < deadline; await Task.Delay(200, ct))
            if (Exported("/v1/traces", "GET /v1/packs") && Exported("/v1/metrics", "http.server.request.duration")) break;
        Assert.True(Exported("/v1/traces", "GET /v1/packs"), "no span of the request reached the collector");
        Assert.True(Exported("/v1/metrics", "http.server.request.duration"), "no request duration reached the collector");
        Assert.True(Exported("/v1/metrics", "portraitbooth"), "the service name is missing from the exported resource");
    }

    private static bool Contains(byte[] body, string text) => body.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) >= 0;
}
