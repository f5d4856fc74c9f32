using System.Net;
using PortraitBooth.Api.Tests;
using PortraitBooth.Api.Tests.Hostile;

namespace PortraitBooth.Admin.Tests;

/// <summary>
/// Signing out ends the session on the server: a copy of the cookie taken before the sign-out (a stolen one, or the
/// browser's own replayed) opens nothing afterwards. Before, the cookie stayed valid until it expired.
/// </summary>
public sealed class SessionRevocationTests(HostFixture host) : IClassFixture<HostFixture>
{
    [Fact]
    public async Task A_cookie_replayed_after_sign_out_is_refused()
    {
        using var session = new DashboardSession(host.BaseAddress);
        await session.SignedIn();
        var stolen = SessionCookie(session);
        using (var before = Replay(stolen))
            await ApiClient.Expect(await before.GetAsync("/admin/api/overview"), HttpStatusCode.OK);

        using var signedOut = await session.Post("/admin/logout", await session.PageToken("/admin"));
        Assert.Equal(HttpStatusCode.NoContent, signedOut.StatusCode);

        using var replay = Replay(stolen);
        using var json = await replay.GetAsync("/admin/api/overview");
        await Hostile.ExpectProblem(json, HttpStatusCode.Unauthorized, "sign in");
        using var page = await replay.GetAsync("/admin");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.StartsWith("/admin/login", page.Headers.Location!.OriginalString);
        using var orleans = await replay.GetAsync("/admin/orleans/");
        Assert.Equal(HttpStatusCode.Redirect, orleans.StatusCode);
        // The refused cookie is cleared in the answer, too.
        Assert.Contains(json.Headers.GetValues("Set-Cookie"), c => c.StartsWith("pb_admin=;", StringComparison.Ordinal));
        await Hostile.ExpectHealthy(host);
    }

    [Fact]
    public async Task Signing_out_ends_only_that_session()
    {
        using var first = new DashboardSession(host.BaseAddress);
        using var second = new DashboardSession(host.BaseAddress);
        await first.SignedIn();
        await second.SignedIn();

        using var signedOut = await first.Post("/admin/logout", await first.PageToken("/admin"));
        Assert.Equal(HttpStatusCode.NoContent, signedOut.StatusCode);

        await Hostile.ExpectProblem(await first.Client.GetAsync("/admin/api/overview"), HttpStatusCode.Unauthorized, "sign in");
        await ApiClient.Expect(await second.Client.GetAsync("/admin/api/overview"), HttpStatusCode.OK);
        await Hostile.ExpectHealthy(host);
    }

    [Fact]
    public async Task A_forged_session_cookie_is_refused()
    {
        using var replay = Replay("CfDJ8-not-a-ticket");
        await Hostile.ExpectProblem(await replay.GetAsync("/admin/api/overview"), HttpStatusCode.Unauthorized, "sign in");
        await Hostile.ExpectHealthy(host);
    }

    private static string SessionCookie(DashboardSession session) =>
        session.Cookies.GetCookies(new Uri(session.Client.BaseAddress!, "/admin/")).Single(c => c.Name == "pb_admin").Value;

    /// <summary>A client that holds nothing but the given session cookie, sent by hand.</summary>
    private HttpClient Replay(string cookie)
    {
        var client = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = host.BaseAddress };
        client.DefaultRequestHeaders.Add("Cookie", "pb_admin=" + cookie);
        return client;
    }
}
