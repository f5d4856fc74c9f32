using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using PortraitBooth.Testing;

namespace PortraitBooth.Distributed.Tests;

/// <summary>The admin dashboard across processes: one sign-in for every api silo, heartbeats from a gpu silo.</summary>
public sealed partial class DashboardTests(GeneratedPacks packs, ConvertedFaceModels faceModels)
{
    [GeneratedRegex("""<meta name="antiforgery" content="([^"]+)">""")]
    private static partial Regex AntiforgeryMeta();

    [Fact]
    public async Task A_sign_in_on_one_api_silo_opens_the_other_and_the_gpu_silos_heartbeat_shows()
    {
        await using var cluster = new DistributedCluster(packs, faceModels);
        var first = await cluster.StartSilo("api-1", "api");
        var second = await cluster.StartSilo("api-2", "api");
        await cluster.StartSilo("gpu", "gpu", gpuCapacity: 3);

        // One browser's cookies (they are per host, not per port): signed in on the first silo only.
        var cookies = new CookieContainer();
        using var one = Session(first, cookies);
        using var two = Session(second, cookies);
        using var loginPage = await one.GetAsync("/admin/login");
        var token = AntiforgeryMeta().Match(await loginPage.Content.ReadAsStringAsync()).Groups[1].Value;
        using var login = new HttpRequestMessage(HttpMethod.Post, "/admin/login") { Content = JsonContent.Create(new { key = DistributedCluster.AdminKey }) };
        login.Headers.Add("X-CSRF-TOKEN", token);
        using var signedIn = await one.SendAsync(login);
        Assert.Equal(HttpStatusCode.NoContent, signedIn.StatusCode);

        // The second silo reads the first one's cookie (one key ring, in Redis) and sees the gpu silo's heartbeats.
        var deadline = DateTimeOffset.UtcNow.AddMinutes(1);
        JsonElement workers;
        do
        {
            using var response = await two.GetAsync("/admin/api/overview");
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {text}\n{cluster.Logs()}");
            workers = JsonDocument.Parse(text).RootElement.GetProperty("workers");
            if (workers.EnumerateArray().Any(w => w.GetProperty("capacity").ValueKind == JsonValueKind.Number)) break;
            await Task.Delay(500);
        } while (DateTimeOffset.UtcNow < deadline);
        var gpu = Assert.Single(workers.EnumerateArray());
        Assert.Equal(3, gpu.GetProperty("capacity").GetInt32());
        // The processes share a machine (and could share a key folder): the ring they share must be the one in Redis.
        Assert.True(await cluster.Redis.GetDatabase().ListLengthAsync($"{cluster.KeyPrefix}dataprotection-keys") >= 1);
    }

    [Fact]
    public async Task A_sign_out_on_one_api_silo_ends_the_session_on_the_other_and_failed_keys_count_across_silos()
    {
        await using var cluster = new DistributedCluster(packs, faceModels);
        var first = await cluster.StartSilo("api-1", "api");
        var second = await cluster.StartSilo("api-2", "api");
        var (_, key) = await DistributedCluster.NewTenant(first);

        var cookies = new CookieContainer();
        using var one = Session(first, cookies);
        using var two = Session(second, cookies);
        await SignIn(one);
        var stolen = cookies.GetCookies(new Uri(first.BaseAddress, "/admin/"))["pb_admin"]!.Value;
        using (var logout = new HttpRequestMessage(HttpMethod.Post, "/admin/logout"))
        {
            logout.Headers.Add("X-CSRF-TOKEN", await PageToken(two, "/admin"));
            using var signedOut = await two.SendAsync(logout);
            Assert.Equal(HttpStatusCode.NoContent, signedOut.StatusCode);
        }
        using var replay = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = first.BaseAddress };
        replay.DefaultRequestHeaders.Add("Cookie", $"pb_admin={stolen}");
        using (var refused = await replay.GetAsync("/admin/api/overview"))
            Assert.True(refused.StatusCode == HttpStatusCode.Unauthorized, $"the first silo still took the signed-out cookie: {(int)refused.StatusCode}");

        // Ten malformed keys against the first silo lock this address out on the second, even with the right key.
        using var guesser = DistributedCluster.Client(first, "pb_not-a-key");
        for (var i = 0; i < 10; i++)
            using (var wrong = await guesser.GetAsync("/v1/identities")) Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        using var owner = DistributedCluster.Client(second, key);
        using var locked = await owner.GetAsync("/v1/identities");
        Assert.Equal(HttpStatusCode.TooManyRequests, locked.StatusCode);
        Assert.NotNull(locked.Headers.RetryAfter);
    }

    private static async Task SignIn(HttpClient client)
    {
        using var login = new HttpRequestMessage(HttpMethod.Post, "/admin/login") { Content = JsonContent.Create(new { key = DistributedCluster.AdminKey }) };
        login.Headers.Add("X-CSRF-TOKEN", await PageToken(client, "/admin/login"));
        using var signedIn = await client.SendAsync(login);
        Assert.Equal(HttpStatusCode.NoContent, signedIn.StatusCode);
    }

    private static async Task<string> PageToken(HttpClient client, string page)
    {
        using var response = await client.GetAsync(page);
        return AntiforgeryMeta().Match(await response.Content.ReadAsStringAsync()).Groups[1].Value;
    }

    private static HttpClient Session(SiloProcess silo, CookieContainer cookies) =>
        new(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = silo.BaseAddress };
}
