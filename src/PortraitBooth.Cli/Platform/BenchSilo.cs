using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using PortraitBooth.Host;
using StackExchange.Redis;

namespace PortraitBooth.Cli.Platform;

/// <summary>
/// One api+gpu silo of the real host (distributed mode: Redis clustering and state, RabbitMQ jobs), started in this
/// process on free loopback ports under a cluster id, service id and key prefix of its own. Disposing stops it and
/// removes every Redis key the run wrote.
/// </summary>
public sealed class BenchSilo : IAsyncDisposable
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private readonly WebApplication _app;
    private readonly ConnectionMultiplexer _redis;
    private readonly string _clusterId, _adminKey;

    private BenchSilo(WebApplication app, ConnectionMultiplexer redis, string clusterId, string adminKey, Uri address) =>
        (_app, _redis, _clusterId, _adminKey, Address) = (app, redis, clusterId, adminKey, address);

    public Uri Address { get; }

    /// <summary>Reads what this process and the Redis server have spent so far.</summary>
    public CostMeter Costs => new(_redis.GetServers()[0]);

    /// <param name="capacity">Jobs the gpu role runs at once (its prefetch).</param>
    public static async Task<BenchSilo> Start(string redis, string rabbitMq, string packDirectory, int capacity)
    {
        var connection = await ConnectRedis(redis);
        var clusterId = $"bench-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";
        var adminKey = "adm_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var http = FreePort();
        var app = PortraitBoothHost.Build(
        [
            $"--urls=http://127.0.0.1:{http}",
            "--PortraitBooth:Mode=Distributed",
            $"--PortraitBooth:Distributed:Redis={redis}",
            $"--PortraitBooth:Distributed:RabbitMq={rabbitMq}",
            "--PortraitBooth:Distributed:Roles=api,gpu",
            $"--PortraitBooth:Distributed:GpuCapacity={capacity}",
            $"--PortraitBooth:Distributed:KeyPrefix={clusterId}:",
            "--PortraitBooth:Distributed:BrokerStartTimeout=00:00:20",
            $"--PortraitBooth:Silo:ClusterId={clusterId}",
            $"--PortraitBooth:Silo:ServiceId={clusterId}",
            $"--PortraitBooth:Silo:Port={FreePort()}",
            $"--PortraitBooth:Silo:GatewayPort={FreePort()}",
            $"--PortraitBooth:AdminKey={adminKey}",
            "--PortraitBooth:BootstrapTenant=false",
            "--PortraitBooth:ResultTtl=00:10:00",
            $"--PortraitBooth:Packs:micro={packDirectory}",
            "--PortraitBooth:DefaultPack=micro",
            // The table is the output: only errors of the silo reach the console.
            "--Logging:LogLevel:Default=Error",
        ]);
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            await connection.DisposeAsync();
            throw;
        }
        return new BenchSilo(app, connection, clusterId, adminKey, new Uri($"http://127.0.0.1:{http}"));
    }

    /// <summary>A client of the silo's API; unbounded connections, since every job in flight holds an events stream.</summary>
    public HttpClient Client(string? apiKey = null)
    {
        var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue, UseProxy = false })
        {
            BaseAddress = Address, Timeout = TimeSpan.FromMinutes(1),
        };
        if (apiKey is not null) client.DefaultRequestHeaders.Authorization = new("Bearer", apiKey);
        return client;
    }

    /// <summary>A tenant whose quotas never hold a bench job back (no tenant queue, no rate or daily refusal); its key.</summary>
    public async Task<string> CreateTenant()
    {
        using var admin = Client();
        admin.DefaultRequestHeaders.Add("X-Admin-Key", _adminKey);
        var quotas = new { max_jobs_in_flight = 1_000_000, images_per_day = 1_000_000_000, max_identities = 1, requests_per_minute = 1_000_000_000 };
        using var response = await admin.PostAsJsonAsync("/v1/admin/tenants", new { id = _clusterId, quotas }, Json);
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.Created) throw new InvalidOperationException($"creating the bench tenant answered {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("key").GetString()!;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        // Grain state and membership are under the service id, PortraitBooth's own keys under the prefix.
        var keys = new List<RedisKey>();
        foreach (var server in _redis.GetServers())
            foreach (var pattern in new[] { $"{_clusterId}/*", $"{_clusterId}:*" })
                await foreach (var key in server.KeysAsync(pattern: pattern, pageSize: 1000)) keys.Add(key);
        foreach (var batch in keys.Chunk(1000)) await _redis.GetDatabase().KeyDeleteAsync(batch);
        await _redis.DisposeAsync();
    }

    /// <summary>Fails at once with the address when Redis does not answer (the silo itself would keep retrying).</summary>
    private static async Task<ConnectionMultiplexer> ConnectRedis(string redis)
    {
        var options = ConfigurationOptions.Parse(redis);
        options.ConnectTimeout = 5000;
        options.AllowAdmin = true; // INFO, for the cost per job
        try
        {
            return await ConnectionMultiplexer.ConnectAsync(options);
        }
        catch (RedisConnectionException e)
        {
            throw new UsageException($"Redis at '{redis}' does not answer: {e.Message.Split('\n')[0]}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
