using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using StackExchange.Redis;

namespace PortraitBooth.Cli.Platform;

/// <summary>
/// The platform as deployed, on this machine: an api silo and a gpu silo of the real host as two processes
/// (distributed mode: Redis clustering and state, RabbitMQ jobs) on free loopback ports, under a cluster id, service
/// id and key prefix of their own. Disposing stops both and removes every Redis key the run wrote.
/// </summary>
public sealed class BenchCluster : IAsyncDisposable
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(2);

    private readonly ConnectionMultiplexer _redis;
    private readonly string _clusterId, _adminKey, _logFolder;
    private readonly List<HostProcess> _silos = [];

    private BenchCluster(ConnectionMultiplexer redis, string clusterId, string adminKey, string logFolder) =>
        (_redis, _clusterId, _adminKey, _logFolder) = (redis, clusterId, adminKey, logFolder);

    public HostProcess Api => _silos[0];
    public HostProcess Gpu => _silos[1];

    /// <param name="capacity">Jobs the gpu silo runs at once (its prefetch).</param>
    /// <param name="brokerPid">The RabbitMQ node's OS process, for its CPU; null when unknown.</param>
    public static async Task<BenchCluster> Start(string redis, string rabbitMq, string packDirectory, int capacity, int? brokerPid,
        CancellationToken cancellationToken)
    {
        var connection = await ConnectRedis(redis);
        var clusterId = $"bench-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";
        var adminKey = "adm_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var logFolder = Directory.CreateTempSubdirectory("portraitbooth-bench-").FullName;
        var cluster = new BenchCluster(connection, clusterId, adminKey, logFolder) { BrokerPid = brokerPid };
        string[] shared =
        [
            "--PortraitBooth:Mode=Distributed",
            $"--PortraitBooth:Distributed:Redis={redis}",
            $"--PortraitBooth:Distributed:RabbitMq={rabbitMq}",
            $"--PortraitBooth:Distributed:GpuCapacity={capacity}",
            $"--PortraitBooth:Distributed:KeyPrefix={clusterId}:",
            "--PortraitBooth:Distributed:BrokerStartTimeout=00:00:20",
            $"--PortraitBooth:Silo:ClusterId={clusterId}",
            $"--PortraitBooth:Silo:ServiceId={clusterId}",
            $"--PortraitBooth:AdminKey={adminKey}",
            "--PortraitBooth:BootstrapTenant=false",
            "--PortraitBooth:ResultTtl=00:10:00",
            $"--PortraitBooth:Packs:micro={packDirectory}",
            "--PortraitBooth:DefaultPack=micro",
            // The tables are the output: only the silos' errors reach their logs.
            "--Logging:LogLevel:Default=Error",
        ];
        try
        {
            foreach (var role in new[] { "api", "gpu" })
                cluster._silos.Add(HostProcess.Start(role, [.. shared, $"--PortraitBooth:Distributed:Roles={role}"], logFolder));
            foreach (var silo in cluster._silos) await silo.WaitReady(StartTimeout, cancellationToken);
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
        return cluster;
    }

    public int? BrokerPid { get; private init; }

    /// <summary>Reads what each process, Redis and the broker have spent so far.</summary>
    public Task<CostReading> ReadCosts() => CostMeter.Read(_redis.GetServers()[0], Api, Gpu, BrokerPid);

    /// <summary>A client of the api silo; unbounded connections, since every job in flight holds an events stream.</summary>
    public HttpClient Client(string? apiKey = null)
    {
        var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue, UseProxy = false })
        {
            BaseAddress = Api.Address, Timeout = TimeSpan.FromMinutes(1),
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
        foreach (var silo in _silos) silo.Dispose();
        // Grain state and membership are under the service id, PortraitBooth's own keys under the prefix.
        var keys = new List<RedisKey>();
        foreach (var server in _redis.GetServers())
            foreach (var pattern in new[] { $"{_clusterId}/*", $"{_clusterId}:*" })
                await foreach (var key in server.KeysAsync(pattern: pattern, pageSize: 1000)) keys.Add(key);
        foreach (var batch in keys.Chunk(1000)) await _redis.GetDatabase().KeyDeleteAsync(batch);
        await _redis.DisposeAsync();
        try { Directory.Delete(_logFolder, recursive: true); } catch (IOException) { }
    }

    /// <summary>Fails at once with the address when Redis does not answer (the silos would keep retrying).</summary>
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
}
