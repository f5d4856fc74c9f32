using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using PortraitBooth.Testing;

namespace PortraitBooth.Api.Tests.Hostile;

/// <summary>
/// Guessing keys is throttled per client address and per key: 10 failures in a minute lock the address out (429 with
/// <c>Retry-After</c>), for twice as long at each repeat, while the key's owner from another address still gets in.
/// The host runs with 2 s lockouts (10 s at most) so that the test can watch one end and the next one grow; each test
/// connects from its own loopback addresses (127.0.0.x), as separate client machines.
/// </summary>
public sealed class AuthenticationThrottleTests(AuthenticationThrottleTests.ShortLockouts host, GeneratedPacks packs, ConvertedFaceModels faceModels) : IClassFixture<AuthenticationThrottleTests.ShortLockouts>
{
    public sealed class ShortLockouts(GeneratedPacks packs, ConvertedFaceModels faceModels) : HostFixture(packs, faceModels)
    {
        protected override IEnumerable<string> Settings =>
            ["--PortraitBooth:AuthenticationThrottle:Lockout=00:00:02", "--PortraitBooth:AuthenticationThrottle:MaxLockout=00:00:10"];
    }

    private static IPAddress Loopback(int last) => IPAddress.Parse($"127.0.0.{last}");

    private static string WrongSecret(string key) => key[..^4] + (key.EndsWith("0000") ? "1111" : "0000");

    /// <summary>The 429's checks; returns its Retry-After in seconds.</summary>
    internal static async Task<int> ExpectLockedOut(HttpResponseMessage response, string what)
    {
        await Hostile.ExpectProblem(response, HttpStatusCode.TooManyRequests, "too many failed authentications", what);
        var seconds = (int)response.Headers.RetryAfter!.Delta!.Value.TotalSeconds;
        Assert.InRange(seconds, 1, 10);
        return seconds;
    }

    [Fact]
    public async Task Two_hundred_wrong_keys_get_429_with_Retry_After_and_the_real_key_still_works_from_another_address()
    {
        var ct = TestContext.Current.CancellationToken;
        var (_, key) = await host.NewTenant("guess");
        using var attacker = host.Client(WrongSecret(key), from: Loopback(11));

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 200; i++)
        {
            using var response = await attacker.GetAsync("/v1/identities", ct);
            statuses.Add(response.StatusCode);
            if (i == 10) Assert.InRange(await ExpectLockedOut(response, "from this address"), 1, 2);
            else if (response.StatusCode == HttpStatusCode.TooManyRequests) Assert.NotNull(response.Headers.RetryAfter);
            else await Hostile.ExpectProblem(response, HttpStatusCode.Unauthorized, "not valid");
        }
        Assert.All(statuses.Take(10), s => Assert.Equal(HttpStatusCode.Unauthorized, s));
        // Each 2 s lockout lets 10 more guesses through at most, and it doubles each time.
        Assert.True(statuses.Count(s => s == HttpStatusCode.Unauthorized) <= 40, string.Join(",", statuses.Select(s => (int)s)));

        // The attacking address is refused even with the right key; the owner, elsewhere, is not.
        using (var locked = host.Client(key, from: Loopback(11)))
            await ExpectLockedOut(await locked.GetAsync("/v1/identities?limit=1", ct), "from this address");
        using (var owner = host.Client(key, from: Loopback(12)))
            await ApiClient.Expect(await owner.GetAsync("/v1/identities?limit=1", ct), HttpStatusCode.OK);
        await Hostile.ExpectHealthy(host, key);
    }

    [Fact]
    public async Task A_key_guessed_from_many_addresses_is_locked_for_them_but_not_for_its_owner()
    {
        var ct = TestContext.Current.CancellationToken;
        var (_, key) = await host.NewTenant("spread");
        // One guess from each of ten addresses: no address reaches its limit, the key does.
        for (var last = 21; last <= 30; last++)
        {
            using var guesser = host.Client(WrongSecret(key), from: Loopback(last));
            await Hostile.ExpectProblem(await guesser.GetAsync("/v1/identities", ct), HttpStatusCode.Unauthorized, "not valid");
        }
        using (var again = host.Client(WrongSecret(key), from: Loopback(21)))
            await ExpectLockedOut(await again.GetAsync("/v1/identities", ct), "for this key");
        using (var owner = host.Client(key, from: Loopback(31)))
            await ApiClient.Expect(await owner.GetAsync("/v1/identities?limit=1", ct), HttpStatusCode.OK);
        await Hostile.ExpectHealthy(host, key);
    }

    [Fact]
    public async Task A_lockout_ends_after_Retry_After_and_the_next_one_is_longer()
    {
        var ct = TestContext.Current.CancellationToken;
        using var wrong = host.Client(from: Loopback(41));
        wrong.DefaultRequestHeaders.Add("X-Admin-Key", "not-the-key");
        async Task<int> GuessUntilLocked()
        {
            for (var i = 0; i < 10; i++)
                await Hostile.ExpectProblem(await wrong.GetAsync("/v1/admin/tenants", ct), HttpStatusCode.Unauthorized, "X-Admin-Key");
            return await ExpectLockedOut(await wrong.GetAsync("/v1/admin/tenants", ct), "from this address");
        }

        var first = await GuessUntilLocked();
        Assert.InRange(first, 1, 2);
        await Task.Delay(TimeSpan.FromSeconds(first + 0.5), ct);
        using (var admin = host.Client(from: Loopback(41)))
        {
            admin.DefaultRequestHeaders.Add("X-Admin-Key", HostFixture.AdminKey);
            await ApiClient.Expect(await admin.GetAsync("/v1/admin/tenants", ct), HttpStatusCode.OK);
        }
        Assert.InRange(await GuessUntilLocked(), 3, 4);
        await Hostile.ExpectHealthy(host);
    }

    [Fact]
    public async Task Settings_that_would_not_throttle_stop_the_host_at_start()
    {
        var refused = await HostFixture.ExpectRefusedAtStart(packs, faceModels, "--PortraitBooth:AuthenticationThrottle:MaxFailures=0");
        Assert.Contains("PortraitBooth:AuthenticationThrottle:MaxFailures must be at least 1", refused.Message);
    }
}

/// <summary>
/// The dashboard's sign-in shares the admin key's throttle. A host of its own: the admin key's failures from the
/// lockout test would otherwise lock this test's address out for the key.
/// </summary>
public sealed partial class DashboardSignInThrottleTests(AuthenticationThrottleTests.ShortLockouts host) : IClassFixture<AuthenticationThrottleTests.ShortLockouts>
{
    [GeneratedRegex("""<meta name="antiforgery" content="([^"]+)">""")]
    private static partial Regex AntiforgeryMeta();

    [Fact]
    public async Task Dashboard_sign_in_with_wrong_keys_is_throttled_too()
    {
        var ct = TestContext.Current.CancellationToken;
        var handler = HostFixture.From(IPAddress.Parse("127.0.0.51"));
        handler.CookieContainer = new CookieContainer();
        using var browser = new HttpClient(handler) { BaseAddress = host.BaseAddress };
        using var page = await browser.GetAsync("/admin/login", ct);
        var token = AntiforgeryMeta().Match(await page.Content.ReadAsStringAsync(ct)).Groups[1].Value;
        async Task<HttpResponseMessage> SignIn(string key)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/admin/login") { Content = JsonContent.Create(new { key }) };
            request.Headers.Add("X-CSRF-TOKEN", token);
            return await browser.SendAsync(request, ct);
        }

        for (var i = 0; i < 10; i++)
            await Hostile.ExpectProblem(await SignIn("not-the-key"), HttpStatusCode.Unauthorized, "admin key");
        await AuthenticationThrottleTests.ExpectLockedOut(await SignIn("not-the-key"), "from this address");
        await AuthenticationThrottleTests.ExpectLockedOut(await SignIn(HostFixture.AdminKey), "from this address");
        await Hostile.ExpectHealthy(host);
    }
}
