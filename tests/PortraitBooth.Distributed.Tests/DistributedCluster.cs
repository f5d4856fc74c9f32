using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using PortraitBooth.Testing;
using StackExchange.Redis;

// Silos are CPU-heavy and the machine small: test classes run one after another.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace PortraitBooth.Distributed.Tests;

/// <summary>
/// One test's cluster: its own cluster id (so tests never see each other's silos), silos started as processes of
/// the real host against the test Redis and RabbitMQ, the generated tiny pack and converted face models, and the
/// HTTP calls of the walk-through. Disposing kills every silo it started, whatever the test's outcome.
/// </summary>
public sealed class DistributedCluster : IAsyncDisposable
{
    public const string AdminKey = "test-admin-key";
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private readonly List<SiloProcess> _silos = [];
    private readonly string[] _configuration;
    private readonly DirectoryInfo _logs = Directory.CreateTempSubdirectory("portraitbooth-silos-");

    public string ClusterId { get; } = $"test-{Guid.NewGuid():N}"[..17];
    public string KeyPrefix => ClusterId + ":";
    public ConnectionMultiplexer Redis { get; }
    public IReadOnlyList<SiloProcess> Silos => _silos;

    public DistributedCluster(GeneratedPacks packs, ConvertedFaceModels faceModels)
    {
        var (redis, rabbit) = TestServices.Require();
        Redis = ConnectionMultiplexer.Connect(redis);
        _configuration =
        [
            "--PortraitBooth:Mode=Distributed",
            $"--PortraitBooth:Distributed:Redis={redis}",
            $"--PortraitBooth:Distributed:RabbitMq={rabbit}",
            "--PortraitBooth:Distributed:FastFailureDetection=true",
            $"--PortraitBooth:Distributed:KeyPrefix={KeyPrefix}",
            $"--PortraitBooth:Silo:ClusterId={ClusterId}",
            $"--PortraitBooth:AdminKey={AdminKey}",
            "--PortraitBooth:BootstrapTenant=false",
            $"--PortraitBooth:Packs:tiny={packs.Tiny.Folder}",
            $"--PortraitBooth:FaceModels={faceModels.Directory}",
            "--Logging:LogLevel:Default=Warning",
            "--Logging:LogLevel:Orleans=Error",
            "--Logging:LogLevel:PortraitBooth=Information",
        ];
    }

    /// <summary>
    /// Starts a silo with the given roles ("api", "gpu", "api,gpu") and waits until it is ready; <paramref name="settings"/>
    /// adds command-line configuration (e.g. <c>--PortraitBooth:JobQueue:RetryLimit=0</c>).
    /// </summary>
    public async Task<SiloProcess> StartSilo(string name, string roles, int gpuCapacity = 1, IEnumerable<string>? settings = null)
    {
        var silo = SiloProcess.Start(name, [.. _configuration, $"--PortraitBooth:Distributed:Roles={roles}",
            $"--PortraitBooth:Distributed:GpuCapacity={gpuCapacity}", .. settings ?? []], _logs.FullName);
        _silos.Add(silo);
        await silo.WaitReady(TimeSpan.FromSeconds(90));
        return silo;
    }

    public string Logs() => string.Join("\n", _silos.Select(s => $"--- {s.Name} (pid {s.Pid}) ---\n{s.Tail()}"));

    public static HttpClient Admin(SiloProcess api)
    {
        var admin = Client(api);
        admin.DefaultRequestHeaders.Add("X-Admin-Key", AdminKey);
        return admin;
    }

    public static HttpClient Client(SiloProcess api, string? apiKey = null)
    {
        var client = new HttpClient { BaseAddress = api.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        if (apiKey is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        return client;
    }

    /// <summary>A new tenant through the admin API; its first key.</summary>
    public static async Task<(string TenantId, string Key)> NewTenant(SiloProcess api, int? maxJobsInFlight = null)
    {
        using var admin = Admin(api);
        var id = $"t-{Guid.NewGuid():N}"[..20];
        var quotas = maxJobsInFlight is { } cap ? new { max_jobs_in_flight = cap, images_per_day = 1000, max_identities = 100, requests_per_minute = 600 } : null;
        using var response = await admin.PostAsJsonAsync("/v1/admin/tenants",
            new { id, name = "Test " + id, quotas }, Json);
        var body = await Expect(response, HttpStatusCode.Created);
        return (body.GetProperty("tenant_id").GetString()!, body.GetProperty("key").GetString()!);
    }

    public static async Task<string> CreateIdentity(HttpClient client)
    {
        var photo = await File.ReadAllBytesAsync(SharedData.Require("data", "identities", "george_clooney", "1.jpg"));
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(photo);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        form.Add(file, "photo", "1.jpg");
        using var response = await client.PostAsync("/v1/identities", form);
        return (await Expect(response, HttpStatusCode.Created)).GetProperty("id").GetString()!;
    }

    public static async Task<string> Submit(HttpClient client, object body)
    {
        using var response = await client.PostAsJsonAsync("/v1/generations", body, Json);
        return (await Expect(response, HttpStatusCode.Accepted)).GetProperty("id").GetString()!;
    }

    public static async Task<JsonElement> Get(HttpClient client, string jobId) =>
        await Expect(await client.GetAsync($"/v1/generations/{jobId}"), HttpStatusCode.OK);

    /// <summary>Polls until the job reaches a final status or the deadline passes; returns the last answer.</summary>
    public static async Task<JsonElement> WaitFinished(HttpClient client, string jobId, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var job = await Get(client, jobId);
            if (job.GetProperty("status").GetString() is "succeeded" or "failed" or "cancelled" || clock.Elapsed > timeout) return job;
            await Task.Delay(200);
        }
    }

    public static async Task<JsonElement> Expect(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        return text.Length > 0 ? JsonDocument.Parse(text).RootElement.Clone() : default;
    }

    /// <summary>The result keys this cluster stored for a job (every attempt), from Redis itself.</summary>
    public List<string> ResultKeys(string tenantId, string jobId)
    {
        var server = Redis.GetServers()[0];
        return server.Keys(pattern: $"{KeyPrefix}result:{tenantId}/{jobId}/*").Select(k => k.ToString()).Order().ToList();
    }

    /// <summary>
    /// Waits for every job, asserts that all succeeded (quoting the silos' logs if not) and that each has in Redis the
    /// images of its recorded attempt only: it completed exactly once. Returns the final answers and a line per job.
    /// </summary>
    public async Task<(List<JsonElement> Finals, string Summary)> ExpectEachSucceededOnce(HttpClient client, string tenantId,
        IEnumerable<string> jobIds, TimeSpan timeout)
    {
        var finals = new List<JsonElement>();
        foreach (var jobId in jobIds) finals.Add(await WaitFinished(client, jobId, timeout));
        var summary = string.Join("\n", finals.Select(f => $"{f.GetProperty("id")}: {f.GetProperty("status")} attempts {f.GetProperty("attempts")}"));
        Assert.True(finals.All(f => f.GetProperty("status").GetString() == "succeeded"), $"{summary}\n{Logs()}");
        foreach (var job in finals)
        {
            var jobId = job.GetProperty("id").GetString()!;
            var (attempt, count) = (job.GetProperty("attempts").GetInt32(), job.GetProperty("count").GetInt32());
            Assert.Equal(Enumerable.Range(0, count).Select(n => $"{KeyPrefix}result:{tenantId}/{jobId}/{attempt}/{n}"), ResultKeys(tenantId, jobId));
        }
        return (finals, summary);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var silo in _silos) await silo.DisposeAsync();
        await Redis.DisposeAsync();
        try { _logs.Delete(recursive: true); } catch (IOException) { }
    }
}
