using System.Net;
using System.Net.Http.Headers;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using PortraitBooth.Testing;

namespace PortraitBooth.Api.Tests.Hostile;

/// <summary>The host with a metrics key: every scrape needs it, loopback ones too.</summary>
public sealed class MetricsKeyHostFixture(GeneratedPacks packs, ConvertedFaceModels faceModels) : HostFixture(packs, faceModels)
{
    public const string MetricsKey = "scrape-secret-0123";
    protected override IEnumerable<string> Settings => [$"--PortraitBooth:Telemetry:MetricsKey={MetricsKey}"];
}

/// <summary>The host on every address without a metrics key: loopback scrapes only.</summary>
public sealed class AllAddressesHostFixture(GeneratedPacks packs, ConvertedFaceModels faceModels) : HostFixture(packs, faceModels)
{
    protected override string? Urls => "http://0.0.0.0:0";

    /// <summary>This machine's first non-loopback IPv4 address, if it has one.</summary>
    public static IPAddress? OwnAddress() => NetworkInterface.GetAllNetworkInterfaces()
        .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
        .SelectMany(n => n.GetIPProperties().UnicastAddresses).Select(a => a.Address)
        .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));
}

public sealed class MetricsKeyTests(MetricsKeyHostFixture host) : IClassFixture<MetricsKeyHostFixture>
{
    [Fact]
    public async Task A_scrape_without_the_metrics_key_or_with_a_wrong_one_is_refused_and_with_it_is_served()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = host.Client();
        using (var none = await client.GetAsync("/metrics", ct))
        {
            await Hostile.ExpectProblem(none, HttpStatusCode.Unauthorized, "metrics key");
            Assert.Equal("Bearer", none.Headers.WwwAuthenticate.Single().Scheme);
        }
        using (var wrong = new HttpRequestMessage(HttpMethod.Get, "/metrics"))
        {
            wrong.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "scrape-secret-0124");
            await Hostile.ExpectProblem(await client.SendAsync(wrong, ct), HttpStatusCode.Unauthorized, "metrics key");
        }
        using var keyed = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        keyed.Headers.Authorization = new AuthenticationHeaderValue("Bearer", MetricsKeyHostFixture.MetricsKey);
        using var served = await client.SendAsync(keyed, ct);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Contains("# TYPE", await served.Content.ReadAsStringAsync(ct));
        await Hostile.ExpectHealthy(host);
    }
}

public sealed class MetricsKeyThrottleTests(MetricsKeyHostFixture host) : IClassFixture<MetricsKeyHostFixture>
{
    [Fact]
    public async Task Guessing_the_metrics_key_is_throttled_like_any_other_key()
    {
        var ct = TestContext.Current.CancellationToken;
        using var guesser = host.Client("scrape-secret-guess", from: IPAddress.Parse("127.0.0.9"));
        for (var i = 0; i < 10; i++)
            await Hostile.ExpectProblem(await guesser.GetAsync("/metrics", ct), HttpStatusCode.Unauthorized, "metrics key");

        using var right = host.Client(MetricsKeyHostFixture.MetricsKey, from: IPAddress.Parse("127.0.0.9"));
        using var locked = await right.GetAsync("/metrics", ct);
        await Hostile.ExpectProblem(locked, HttpStatusCode.TooManyRequests, "too many failed authentications");
        Assert.NotNull(locked.Headers.RetryAfter);
        using var elsewhere = host.Client(MetricsKeyHostFixture.MetricsKey); // another address: the owner's scraper
        using (var served = await elsewhere.GetAsync("/metrics", ct)) Assert.Equal(HttpStatusCode.OK, served.StatusCode);
    }
}

public sealed class MetricsLoopbackTests(AllAddressesHostFixture host) : IClassFixture<AllAddressesHostFixture>
{
    [Fact]
    public async Task Without_a_metrics_key_only_loopback_clients_are_answered()
    {
        var ct = TestContext.Current.CancellationToken;
        if (AllAddressesHostFixture.OwnAddress() is not { } own) { Assert.Skip("this machine has no non-loopback IPv4 address"); return; }
        var port = host.BaseAddress.Port;

        using var loopback = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        using (var served = await loopback.GetAsync("/metrics", ct)) Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        using var remote = new HttpClient { BaseAddress = new Uri($"http://{own}:{port}") };
        await Hostile.ExpectProblem(await remote.GetAsync("/metrics", ct), HttpStatusCode.Forbidden, "MetricsKey");
        using (var api = await remote.GetAsync("/v1/packs", ct)) Assert.NotEqual(HttpStatusCode.Forbidden, api.StatusCode); // only /metrics is closed
    }
}
