using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using PortraitBooth.Abstractions;
using PortraitBooth.Host;
using PortraitBooth.Testing;

// The host is CPU-heavy and the machine small: test classes run one after another.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace PortraitBooth.Api.Tests;

/// <summary>
/// The real host (silo + API + embedded worker) started in-process once per test class, with Kestrel on a loopback
/// port, pointed at the generated tiny pack and the converted face models. Subclasses add settings or services.
/// </summary>
public class HostFixture(GeneratedPacks packs, ConvertedFaceModels faceModels) : IAsyncLifetime
{
    public const string AdminKey = "test-admin-key";
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private WebApplication? _app;

    public Uri BaseAddress { get; private set; } = null!;
    public string TinyPack => packs.Tiny.Folder;
    public string FaceModels => faceModels.Directory;
    public WebApplication App => _app!;

    /// <summary>The <c>--urls</c> the host is started with; null starts it with none (the host's own default applies).</summary>
    protected virtual string? Urls => "http://127.0.0.1:0";

    /// <summary>Command-line settings after the defaults (a later one wins).</summary>
    protected virtual IEnumerable<string> Settings => [];

    /// <summary>Services of this fixture's host, added after the host's own.</summary>
    protected virtual void Configure(WebApplicationBuilder builder) { }

    public virtual async ValueTask InitializeAsync()
    {
        string[] args =
        [
            "--Logging:LogLevel:Default=Warning",
            "--Logging:LogLevel:Orleans=Error",
            $"--PortraitBooth:AdminKey={AdminKey}",
            $"--PortraitBooth:Packs:tiny={packs.Tiny.Folder}",
            $"--PortraitBooth:FaceModels={faceModels.Directory}",
            $"--PortraitBooth:Silo:Port={FreePort()}",
            $"--PortraitBooth:Silo:GatewayPort={FreePort()}",
            $"--PortraitBooth:Silo:ClusterId=test-{Guid.NewGuid():N}",
        ];
        string[] urls = Urls is { } given ? [$"--urls={given}"] : [];
        _app = PortraitBoothHost.Build([.. urls, .. args, .. Settings], Configure);
        await _app.StartAsync(TestContext.Current.CancellationToken);
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address);
    }

    public virtual async ValueTask DisposeAsync()
    {
        if (_app is null) return;
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }

    /// <param name="from">The loopback address to connect from (any of 127.0.0.0/8), as another client machine would; by default 127.0.0.1.</param>
    public HttpClient Client(string? apiKey = null, IPAddress? from = null)
    {
        var client = new HttpClient(from is null ? new HttpClientHandler() : From(from)) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromMinutes(3) };
        if (apiKey is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        return client;
    }

    public HttpClient Admin()
    {
        var client = Client();
        client.DefaultRequestHeaders.Add("X-Admin-Key", AdminKey);
        return client;
    }

    /// <summary>A new tenant through the admin API (with <paramref name="maxJobsInFlight"/> when given); its first key.</summary>
    public async Task<(string TenantId, string Key)> NewTenant(string? prefix = "t", int? maxJobsInFlight = null)
    {
        using var admin = Admin();
        var id = $"{prefix}-{Guid.NewGuid():N}"[..20];
        var quotas = maxJobsInFlight is { } cap ? new TenantQuotas(MaxJobsInFlight: cap) : null;
        using var response = await admin.PostAsJsonAsync("/v1/admin/tenants", new { id, name = "Test " + id, quotas }, Json);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Json);
        return (body.GetProperty("tenant_id").GetString()!, body.GetProperty("key").GetString()!);
    }

    /// <summary>A handler whose connections leave from <paramref name="local"/>: the host sees that client address.</summary>
    public static SocketsHttpHandler From(IPAddress local) => new()
    {
        ConnectCallback = async (context, ct) =>
        {
            var socket = new Socket(local.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Bind(new IPEndPoint(local, 0));
                await socket.ConnectAsync(context.DnsEndPoint, ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };

    /// <summary>Starts a host with <paramref name="settings"/>, which must refuse them (options checked at start).</summary>
    internal static async Task<Microsoft.Extensions.Options.OptionsValidationException> ExpectRefusedAtStart(
        GeneratedPacks packs, ConvertedFaceModels faceModels, params string[] settings)
    {
        var refusing = new WithSettings(packs, faceModels, settings);
        try
        {
            return await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(async () => await refusing.InitializeAsync());
        }
        finally
        {
            if (refusing._app is { } built) await built.DisposeAsync(); // built but never started: nothing to stop
        }
    }

    private sealed class WithSettings(GeneratedPacks packs, ConvertedFaceModels faceModels, string[] settings) : HostFixture(packs, faceModels)
    {
        protected override IEnumerable<string> Settings => settings;
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
