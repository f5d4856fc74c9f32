using System.Net;

namespace PortraitBooth.Api.Tests.Hostile;

/// <summary>What every hostile request must leave behind: a clear answer, and a host that still serves.</summary>
internal static class Hostile
{
    /// <summary>The answer is a ProblemDetails with <paramref name="status"/> whose detail mentions every one of <paramref name="mentions"/>.</summary>
    public static async Task<string> ExpectProblem(HttpResponseMessage response, HttpStatusCode status, params string[] mentions)
    {
        var detail = await ApiClient.ExpectProblem(response, status);
        foreach (var word in mentions)
            Assert.True(detail.Contains(word, StringComparison.OrdinalIgnoreCase), $"'{detail}' does not mention '{word}'");
        return detail;
    }

    /// <summary>The host still answers its probes and an authenticated read after the request.</summary>
    public static async Task ExpectHealthy(HostFixture host, string? apiKey = null)
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = host.Client(apiKey);
        using var live = await client.GetAsync("/health/live", ct);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        using var ready = await client.GetAsync("/health/ready", ct);
        Assert.True(ready.StatusCode == HttpStatusCode.OK, $"readiness after the request: {(int)ready.StatusCode} {await ready.Content.ReadAsStringAsync(ct)}");
        if (apiKey is null) return;
        using var list = await client.GetAsync("/v1/identities?limit=1", ct);
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
    }
}
