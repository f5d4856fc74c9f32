using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PortraitBooth.Host;
using PortraitBooth.Testing;

namespace PortraitBooth.Api.Tests.Hostile;

/// <summary>
/// The host listens where the standard ASP.NET Core settings say (a container sets <c>ASPNETCORE_URLS</c>), and on
/// loopback only when nothing is set: the deployment works as written and a bare run is not exposed.
/// </summary>
public sealed class ListenAddressTests(GeneratedPacks packs, ConvertedFaceModels faceModels)
{
    [Fact]
    public async Task ASPNETCORE_URLS_decides_the_address()
    {
        var port = HostFixture.FreePort();
        await using var host = new EnvironmentHost(packs, faceModels, new() { ["ASPNETCORE_URLS"] = $"http://0.0.0.0:{port}" });
        await host.InitializeAsync();

        Assert.Contains($"http://0.0.0.0:{port}", host.Addresses);
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        using var ready = await client.GetAsync("/health/ready", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    [Fact]
    public async Task With_no_setting_at_all_the_host_listens_on_loopback_only()
    {
        var port = new Uri(ListenAddress.Default).Port;
        if (!PortIsFree(port)) Assert.Skip($"port {port} is taken by another process on this machine, so the default address cannot be bound here");
        await using var host = new EnvironmentHost(packs, faceModels, []);
        await host.InitializeAsync();

        Assert.Equal([ListenAddress.Default], host.Addresses);
        using var client = new HttpClient { BaseAddress = new Uri(ListenAddress.Default) };
        using var live = await client.GetAsync("/health/live", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        // Not reachable on any other address of this machine.
        foreach (var address in NonLoopbackAddresses())
        {
            using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            var refused = await Assert.ThrowsAsync<SocketException>(() => socket.ConnectAsync(address, port, TestContext.Current.CancellationToken).AsTask());
            Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
        }
    }

    [Theory]
    [InlineData("urls", "http://0.0.0.0:8080")]
    [InlineData("http_ports", "8080")]
    [InlineData("https_ports", "8443")]
    [InlineData("Kestrel:Endpoints:Http:Url", "http://0.0.0.0:8080")]
    public void Every_standard_setting_counts_as_an_address(string key, string value)
    {
        Assert.False(ListenAddress.IsConfigured(new ConfigurationBuilder().Build()));
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([new(key, value)]).Build();
        Assert.True(ListenAddress.IsConfigured(configuration));
    }

    private static bool PortIsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static IEnumerable<IPAddress> NonLoopbackAddresses() =>
        NetworkInterface.GetAllNetworkInterfaces().Where(n => n.OperationalStatus == OperationalStatus.Up)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses).Select(a => a.Address)
            .Where(a => !IPAddress.IsLoopback(a) && !a.IsIPv6LinkLocal && a.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6);

    /// <summary>
    /// A host started with no <c>--urls</c> and with exactly <paramref name="environment"/> among the standard address
    /// variables (the others unset while it is built; the tests of this assembly run one at a time).
    /// </summary>
    private sealed class EnvironmentHost(GeneratedPacks packs, ConvertedFaceModels faceModels, Dictionary<string, string> environment)
        : HostFixture(packs, faceModels)
    {
        private static readonly string[] AddressVariables =
            [.. new[] { "URLS", "HTTP_PORTS", "HTTPS_PORTS" }.SelectMany(v => new[] { v, "ASPNETCORE_" + v, "DOTNET_" + v })];

        protected override string? Urls => null;

        public IReadOnlyList<string> Addresses =>
            [.. App.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses];

        public override async ValueTask InitializeAsync()
        {
            var saved = AddressVariables.ToDictionary(v => v, Environment.GetEnvironmentVariable);
            try
            {
                foreach (var variable in AddressVariables) Environment.SetEnvironmentVariable(variable, environment.GetValueOrDefault(variable));
                await base.InitializeAsync();
            }
            finally
            {
                foreach (var (variable, value) in saved) Environment.SetEnvironmentVariable(variable, value);
            }
        }
    }
}
