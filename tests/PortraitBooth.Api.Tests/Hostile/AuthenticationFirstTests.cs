using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.RegularExpressions;

namespace PortraitBooth.Api.Tests.Hostile;

/// <summary>
/// Credentials are checked before the body is read: a request without them gets 401 (or the dashboard's 400 for a
/// missing antiforgery token) whatever its body, so an anonymous caller can neither probe the parser nor make the
/// host parse for it. Before, a malformed body without a key answered 400.
/// </summary>
public sealed partial class AuthenticationFirstTests(HostFixture host) : IClassFixture<HostFixture>
{
    [GeneratedRegex("""<meta name="antiforgery" content="([^"]+)">""")]
    private static partial Regex AntiforgeryMeta();

    private static StringContent Malformed() => new("{", Encoding.UTF8, "application/json");

    [Fact]
    public async Task A_generation_without_a_key_and_with_a_malformed_body_is_401()
    {
        var ct = TestContext.Current.CancellationToken;
        using var anonymous = host.Client();
        using var response = await anonymous.PostAsync("/v1/generations", Malformed(), ct);
        await Hostile.ExpectProblem(response, HttpStatusCode.Unauthorized, "API key is required");
        Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).Scheme);

        using var forged = host.Client("pb_not-a-key");
        await Hostile.ExpectProblem(await forged.PostAsync("/v1/generations", Malformed(), ct), HttpStatusCode.Unauthorized, "not valid");
        await Hostile.ExpectHealthy(host);
    }

    [Fact]
    public async Task An_upload_without_a_key_and_with_a_broken_multipart_body_is_401()
    {
        var ct = TestContext.Current.CancellationToken;
        using var anonymous = host.Client();
        var broken = new ByteArrayContent("--x\r\nnot a part"u8.ToArray());
        broken.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=x");
        await Hostile.ExpectProblem(await anonymous.PostAsync("/v1/identities", broken, ct), HttpStatusCode.Unauthorized, "API key is required");
        await Hostile.ExpectHealthy(host);
    }

    [Fact]
    public async Task With_a_valid_key_the_malformed_body_is_still_400()
    {
        var (_, key) = await host.NewTenant("af");
        using var client = host.Client(key);
        await Hostile.ExpectProblem(await client.PostAsync("/v1/generations", Malformed(), TestContext.Current.CancellationToken), HttpStatusCode.BadRequest);
        await Hostile.ExpectHealthy(host, key);
    }

    [Fact]
    public async Task An_admin_request_without_the_admin_key_and_with_a_malformed_body_is_401()
    {
        var ct = TestContext.Current.CancellationToken;
        using var anonymous = host.Client();
        await Hostile.ExpectProblem(await anonymous.PostAsync("/v1/admin/tenants", Malformed(), ct), HttpStatusCode.Unauthorized, "X-Admin-Key");
        using var wrong = host.Client();
        wrong.DefaultRequestHeaders.Add("X-Admin-Key", "not-the-key");
        await Hostile.ExpectProblem(await wrong.PutAsync("/v1/admin/tenants/default/quotas", Malformed(), ct), HttpStatusCode.Unauthorized, "X-Admin-Key");
        await Hostile.ExpectHealthy(host);
    }

    [Fact]
    public async Task Dashboard_requests_are_refused_for_their_credentials_before_their_body()
    {
        var ct = TestContext.Current.CancellationToken;
        using var anonymous = host.Client();
        // The sign-in's own credential comes in the body, but its antiforgery token is checked first.
        await Hostile.ExpectProblem(await anonymous.PostAsync("/admin/login", Malformed(), ct), HttpStatusCode.BadRequest, "antiforgery token");
        await Hostile.ExpectProblem(await anonymous.PostAsync("/admin/api/tenants", Malformed(), ct), HttpStatusCode.Unauthorized, "sign in");
        await Hostile.ExpectHealthy(host);
    }

    [Fact]
    public async Task A_signed_in_dashboard_request_without_its_antiforgery_token_is_refused_for_that_before_its_body()
    {
        var ct = TestContext.Current.CancellationToken;
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = host.BaseAddress };
        using var page = await browser.GetAsync("/admin/login", ct);
        var token = AntiforgeryMeta().Match(await page.Content.ReadAsStringAsync(ct)).Groups[1].Value;
        using var login = new HttpRequestMessage(HttpMethod.Post, "/admin/login") { Content = JsonContent.Create(new { key = HostFixture.AdminKey }) };
        login.Headers.Add("X-CSRF-TOKEN", token);
        using var signedIn = await browser.SendAsync(login, ct);
        Assert.Equal(HttpStatusCode.NoContent, signedIn.StatusCode);

        await Hostile.ExpectProblem(await browser.PostAsync("/admin/api/tenants", Malformed(), ct), HttpStatusCode.BadRequest, "antiforgery token");
        await Hostile.ExpectHealthy(host);
    }
}
