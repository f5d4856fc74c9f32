using System.Net;
using PortraitBooth.Api.Tests;

namespace PortraitBooth.Admin.Tests;

/// <summary>The dashboard's sign-in and antiforgery, over plain HTTP against the real host.</summary>
public sealed class SignInTests(HostFixture host) : IClassFixture<HostFixture>
{
    [Fact]
    public async Task Without_signing_in_pages_redirect_to_the_login_page_and_json_answers_401()
    {
        using var session = new DashboardSession(host.BaseAddress);

        using var page = await session.Client.GetAsync("/admin");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Equal("/admin/login?ReturnUrl=%2Fadmin", page.Headers.Location!.OriginalString); // relative: never from the Host header

        using var orleans = await session.Client.GetAsync("/admin/orleans/");
        Assert.Equal(HttpStatusCode.Redirect, orleans.StatusCode);
        Assert.Equal("/admin/login?ReturnUrl=%2Fadmin%2Forleans%2F", orleans.Headers.Location!.OriginalString);

        foreach (var path in new[] { "/admin/api/overview", "/admin/api/tenants", "/admin/api/packs" })
            await ApiClient.ExpectProblem(await session.Client.GetAsync(path), HttpStatusCode.Unauthorized);
        await ApiClient.ExpectProblem(await session.Post("/admin/api/tenants/default/suspend", token: null), HttpStatusCode.Unauthorized);

        // The login page and the assets it needs are open.
        using var login = await session.Client.GetAsync("/admin/login");
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        using var script = await session.Client.GetAsync("/admin/assets/login.js");
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        await ApiClient.ExpectProblem(await session.Client.GetAsync("/admin/assets/nothing.js"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Sign_in_takes_the_admin_key_and_sets_an_http_only_same_site_strict_session_cookie()
    {
        using var session = new DashboardSession(host.BaseAddress);
        var token = await session.PageToken("/admin/login");

        await ApiClient.ExpectProblem(await session.SignIn("not-the-key", token), HttpStatusCode.Unauthorized);
        await ApiClient.ExpectProblem(await session.SignIn(HostFixture.AdminKey, token: null), HttpStatusCode.BadRequest);
        await ApiClient.ExpectProblem(await session.Client.GetAsync("/admin/api/overview"), HttpStatusCode.Unauthorized);

        using var signedIn = await session.SignIn(HostFixture.AdminKey, token);
        Assert.Equal(HttpStatusCode.NoContent, signedIn.StatusCode);
        var cookie = Assert.Single(signedIn.Headers.GetValues("Set-Cookie"), c => c.StartsWith("pb_admin=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/admin", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("expires=", cookie, StringComparison.OrdinalIgnoreCase); // a session cookie

        var overview = await ApiClient.Expect(await session.Client.GetAsync("/admin/api/overview"), HttpStatusCode.OK);
        Assert.Contains(overview.GetProperty("tenants").EnumerateArray(), t => t.GetProperty("tenant_id").GetString() == "default");
        Assert.Equal(60, overview.GetProperty("throughput").GetArrayLength());
        var packs = await ApiClient.Expect(await session.Client.GetAsync("/admin/api/packs"), HttpStatusCode.OK);
        var tiny = Assert.Single(packs.GetProperty("items").EnumerateArray());
        Assert.Equal(50, tiny.GetProperty("defaults").GetProperty("steps").GetInt32());
        Assert.Contains("untrained", tiny.GetProperty("card").GetProperty("training_data").GetString());
        using var orleans = await session.Client.GetAsync("/admin/orleans/");
        Assert.Equal(HttpStatusCode.OK, orleans.StatusCode);
        Assert.Contains("<title>Orleans Dashboard</title>", await orleans.Content.ReadAsStringAsync());

        using var signedOut = await session.Post("/admin/logout", await session.PageToken("/admin"));
        Assert.Equal(HttpStatusCode.NoContent, signedOut.StatusCode);
        await ApiClient.ExpectProblem(await session.Client.GetAsync("/admin/api/overview"), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_state_changing_request_without_the_antiforgery_token_is_refused()
    {
        var (tenantId, _) = await host.NewTenant("af");
        using var session = new DashboardSession(host.BaseAddress);
        await session.SignedIn();
        var suspend = $"/admin/api/tenants/{tenantId}/suspend";

        var detail = await ApiClient.ExpectProblem(await session.Post(suspend, token: null), HttpStatusCode.BadRequest);
        Assert.Contains("antiforgery", detail);
        await ApiClient.ExpectProblem(await session.Post(suspend, token: "forged"), HttpStatusCode.BadRequest);
        using var admin = host.Admin();
        var tenant = await ApiClient.Expect(await admin.GetAsync($"/v1/admin/tenants/{tenantId}"), HttpStatusCode.OK);
        Assert.False(tenant.GetProperty("suspended").GetBoolean());

        // The signed-in page's token opens the same request.
        var suspended = await ApiClient.Expect(await session.Post(suspend, await session.PageToken("/admin")), HttpStatusCode.OK);
        Assert.True(suspended.GetProperty("suspended").GetBoolean());
    }
}
