using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using PortraitBooth.Testing;

namespace PortraitBooth.Api.Tests.Hostile;

/// <summary>
/// What every answer tells the browser: never sniff a type (an uploaded photo must not run as HTML), never store
/// tenant data, the dashboard's pages load nothing but the host's own files; the login redirect does not take its
/// address from a forged Host header; and over HTTPS the dashboard's cookies are Secure.
/// </summary>
public sealed partial class SecurityHeadersTests(HostFixture host, GeneratedPacks packs, ConvertedFaceModels faceModels) : IClassFixture<HostFixture>
{
    [GeneratedRegex("""<meta name="antiforgery" content="([^"]+)">""")]
    private static partial Regex AntiforgeryMeta();

    private static void ExpectNoSniffNoStore(HttpResponseMessage response)
    {
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.True(response.Headers.CacheControl?.NoStore, $"{response.RequestMessage?.RequestUri}: Cache-Control '{response.Headers.CacheControl}'");
    }

    [Fact]
    public async Task Api_answers_and_errors_are_nosniff_and_no_store()
    {
        var ct = TestContext.Current.CancellationToken;
        var (_, key) = await host.NewTenant("hd");
        using var client = host.Client(key);
        using var anonymous = host.Client();
        using var admin = host.Admin();

        using (var packs = await client.GetAsync("/v1/packs", ct)) { Assert.Equal(HttpStatusCode.OK, packs.StatusCode); ExpectNoSniffNoStore(packs); }
        using (var tenants = await admin.GetAsync("/v1/admin/tenants", ct)) { Assert.Equal(HttpStatusCode.OK, tenants.StatusCode); ExpectNoSniffNoStore(tenants); }
        using (var refused = await anonymous.GetAsync("/v1/identities", ct))
        {
            ExpectNoSniffNoStore(refused);
            await Hostile.ExpectProblem(refused, HttpStatusCode.Unauthorized, "API key is required");
        }
        using (var missing = await client.GetAsync("/v1/generations/gen_nothing", ct))
        {
            ExpectNoSniffNoStore(missing);
            await Hostile.ExpectProblem(missing, HttpStatusCode.NotFound, "gen_nothing");
        }
        using (var live = await anonymous.GetAsync("/health/live", ct)) ExpectNoSniffNoStore(live);
        await Hostile.ExpectHealthy(host, key);
    }

    [Fact]
    public async Task A_tenants_image_is_nosniff_and_no_store()
    {
        var ct = TestContext.Current.CancellationToken;
        var (_, key) = await host.NewTenant("img");
        using var client = host.Client(key);
        var identity = (await ApiClient.CreateIdentity(client)).GetProperty("id").GetString()!;
        var job = await ApiClient.Submit(client, new { prompt = "a photo of a man", identities = new[] { identity }, steps = 4, seed = 1 });
        var id = job.GetProperty("id").GetString()!;
        var events = await EventStream.Follow(client, id, ct);
        Assert.Equal("succeeded", events[^1].Type);

        using var image = await client.GetAsync($"/v1/generations/{id}/images/0", ct);
        Assert.Equal(HttpStatusCode.OK, image.StatusCode);
        Assert.Equal("image/png", image.Content.Headers.ContentType?.MediaType);
        ExpectNoSniffNoStore(image);
        await Hostile.ExpectHealthy(host, key);
    }

    [Fact]
    public async Task Dashboard_pages_carry_a_content_security_policy_of_the_hosts_own_files()
    {
        var ct = TestContext.Current.CancellationToken;
        using var anonymous = host.Client();
        using var login = await anonymous.GetAsync("/admin/login", ct);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        ExpectNoSniffNoStore(login);
        var policy = Assert.Single(login.Headers.GetValues("Content-Security-Policy"));
        foreach (var directive in new[] { "default-src 'self'", "script-src 'self'", "style-src 'self'", "object-src 'none'", "frame-ancestors 'none'" })
            Assert.Contains(directive, policy);
        Assert.DoesNotContain("unsafe-inline", policy);
        using var script = await anonymous.GetAsync("/admin/assets/login.js", ct);
        Assert.Equal("nosniff", Assert.Single(script.Headers.GetValues("X-Content-Type-Options")));
        await Hostile.ExpectHealthy(host);
    }

    [Fact]
    public async Task The_login_redirect_is_relative_whatever_the_Host_header_says()
    {
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = host.BaseAddress };
        foreach (var path in new[] { "/admin", "/admin/orleans/" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Host = "evil.example";
            using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            var location = response.Headers.Location!;
            Assert.False(location.IsAbsoluteUri, $"Location: {location}");
            Assert.StartsWith("/admin/login?ReturnUrl=", location.OriginalString);
            Assert.DoesNotContain("evil.example", location.OriginalString);
        }
        await Hostile.ExpectHealthy(host);
    }

    [Fact]
    public async Task Over_plain_http_the_dashboard_cookies_are_not_secure()
    {
        var cookies = await SignInCookies(host.BaseAddress, new HttpClientHandler());
        Assert.All(cookies, c => Assert.DoesNotContain("secure", c, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Over_https_the_dashboard_cookies_are_secure()
    {
        await using var https = new HttpsHost(packs, faceModels);
        await https.InitializeAsync();
        Assert.Equal("https", https.BaseAddress.Scheme);
        var cookies = await SignInCookies(https.BaseAddress, new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true });
        Assert.Contains(cookies, c => c.StartsWith("pb_admin=", StringComparison.Ordinal));
        Assert.Contains(cookies, c => c.StartsWith("pb_admin_af=", StringComparison.Ordinal));
        Assert.All(cookies, c => Assert.Contains("secure", c, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The Set-Cookie headers of the login page and of a sign-in with the admin key.</summary>
    private static async Task<List<string>> SignInCookies(Uri baseAddress, HttpClientHandler handler)
    {
        var ct = TestContext.Current.CancellationToken;
        handler.AllowAutoRedirect = false;
        handler.CookieContainer = new CookieContainer();
        using var client = new HttpClient(handler) { BaseAddress = baseAddress };
        using var page = await client.GetAsync("/admin/login", ct);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var token = AntiforgeryMeta().Match(await page.Content.ReadAsStringAsync(ct)).Groups[1].Value;
        using var login = new HttpRequestMessage(HttpMethod.Post, "/admin/login") { Content = JsonContent.Create(new { key = HostFixture.AdminKey }) };
        login.Headers.Add("X-CSRF-TOKEN", token);
        using var signedIn = await client.SendAsync(login, ct);
        Assert.Equal(HttpStatusCode.NoContent, signedIn.StatusCode);
        return [.. page.Headers.GetValues("Set-Cookie"), .. signedIn.Headers.GetValues("Set-Cookie")];
    }

    /// <summary>A second host on an HTTPS loopback port, with a self-signed certificate made for the test.</summary>
    private sealed class HttpsHost(GeneratedPacks packs, ConvertedFaceModels faceModels) : HostFixture(packs, faceModels)
    {
        protected override string? Urls => "https://127.0.0.1:0";

        protected override void Configure(WebApplicationBuilder builder)
        {
            using var rsa = RSA.Create(2048);
            var request = new CertificateRequest("CN=127.0.0.1", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
            // Exported and reloaded: Kestrel needs the private key in a form it can use on every platform.
            var usable = X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureHttpsDefaults(tls => tls.ServerCertificate = usable));
        }
    }
}
