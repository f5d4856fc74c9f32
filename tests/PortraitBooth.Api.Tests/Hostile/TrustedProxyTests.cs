using System.Net;
using PortraitBooth.Testing;

namespace PortraitBooth.Api.Tests.Hostile;

/// <summary>
/// <c>X-Forwarded-For</c> is believed only from a configured proxy (127.0.0.2 here): behind it, each client is counted
/// by its own address; from any other peer the header is ignored, so a guesser cannot pick the address it is counted as.
/// </summary>
public sealed class TrustedProxyTests(TrustedProxyTests.BehindAProxy host, GeneratedPacks packs, ConvertedFaceModels faceModels)
    : IClassFixture<TrustedProxyTests.BehindAProxy>
{
    private static readonly IPAddress Proxy = IPAddress.Parse("127.0.0.2"), Stranger = IPAddress.Parse("127.0.0.3");

    public sealed class BehindAProxy(GeneratedPacks packs, ConvertedFaceModels faceModels) : HostFixture(packs, faceModels)
    {
        protected override IEnumerable<string> Settings =>
        [
            $"--PortraitBooth:TrustedProxies:0={Proxy}",
            "--PortraitBooth:AuthenticationThrottle:Lockout=00:00:02", "--PortraitBooth:AuthenticationThrottle:MaxLockout=00:00:10",
        ];
    }

    private static HttpRequestMessage Identities(string forwardedFor)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/v1/identities?limit=1");
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        return request;
    }

    [Fact]
    public async Task Behind_the_trusted_proxy_each_forwarded_client_is_counted_and_elsewhere_the_header_is_ignored()
    {
        var ct = TestContext.Current.CancellationToken;
        var (_, key) = await host.NewTenant("proxy");
        using var guesser = host.Client("pb_not-a-key", from: Proxy);
        for (var i = 0; i < 10; i++)
            using (var wrong = await guesser.SendAsync(Identities("198.51.100.7"), ct)) Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);

        using var throughProxy = host.Client(key, from: Proxy);
        await AuthenticationThrottleTests.ExpectLockedOut(await throughProxy.SendAsync(Identities("198.51.100.7"), ct), "from this address");
        using (var neighbour = await throughProxy.SendAsync(Identities("198.51.100.8"), ct)) Assert.Equal(HttpStatusCode.OK, neighbour.StatusCode);
        using (var direct = await throughProxy.GetAsync("/v1/identities?limit=1", ct)) Assert.Equal(HttpStatusCode.OK, direct.StatusCode); // the proxy itself

        using var stranger = host.Client(key, from: Stranger); // not a proxy: its header names the locked client, in vain
        using (var ignored = await stranger.SendAsync(Identities("198.51.100.7"), ct)) Assert.Equal(HttpStatusCode.OK, ignored.StatusCode);
        await Hostile.ExpectHealthy(host);
    }

    [Fact]
    public async Task An_entry_that_is_no_address_or_network_stops_the_host_at_start()
    {
        var refused = await HostFixture.ExpectRefusedAtStart(packs, faceModels, "--PortraitBooth:TrustedProxies:0=proxy.example");
        Assert.Contains("PortraitBooth:TrustedProxies: 'proxy.example' is neither an IP address nor a network", refused.Message);
    }
}
