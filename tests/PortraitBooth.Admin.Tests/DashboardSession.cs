using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using PortraitBooth.Api.Tests;

namespace PortraitBooth.Admin.Tests;

/// <summary>An HttpClient with its own cookies, signed in (or not) the way the login page does it.</summary>
internal sealed partial class DashboardSession : IDisposable
{
    public const string AntiforgeryHeader = "X-CSRF-TOKEN";

    [GeneratedRegex("""<meta name="antiforgery" content="([^"]+)">""")]
    private static partial Regex AntiforgeryMeta();

    public DashboardSession(Uri baseAddress) =>
        Client = new HttpClient(new HttpClientHandler { CookieContainer = Cookies, AllowAutoRedirect = false }) { BaseAddress = baseAddress };

    public CookieContainer Cookies { get; } = new();
    public HttpClient Client { get; }

    /// <summary>The antiforgery token a page (login or dashboard) carries for this session.</summary>
    public async Task<string> PageToken(string path)
    {
        using var response = await Client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return AntiforgeryMeta().Match(await response.Content.ReadAsStringAsync()).Groups[1].Value;
    }

    public async Task<HttpResponseMessage> SignIn(string key, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/admin/login") { Content = JsonContent.Create(new { key }) };
        if (token is not null) request.Headers.Add(AntiforgeryHeader, token);
        return await Client.SendAsync(request);
    }

    public async Task SignedIn()
    {
        using var response = await SignIn(HostFixture.AdminKey, await PageToken("/admin/login"));
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    public Task<HttpResponseMessage> Post(string path, string? token)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path);
        if (token is not null) request.Headers.Add(AntiforgeryHeader, token);
        return Client.SendAsync(request);
    }

    public void Dispose() => Client.Dispose();
}
