using System.Net;
using System.Net.Http.Json;

namespace PortraitBooth.Api.Tests.Hostile;

/// <summary>The tenant's rate limit holds for every authenticated request, reads and uploads too, not only submissions.</summary>
public sealed class RateLimitTests(HostFixture host) : IClassFixture<HostFixture>
{
    private const int RequestsPerMinute = 5;

    [Fact]
    public async Task A_burst_of_reads_is_cut_at_ten_times_the_quota_with_retry_after()
    {
        var ct = TestContext.Current.CancellationToken;
        var key = await LimitedTenant(ct);
        using var client = host.Client(key);

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? refused = null;
        for (var i = 0; i < 100; i++)
        {
            var response = await client.GetAsync("/v1/identities?limit=1", ct);
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests) refused ??= response; else response.Dispose();
        }

        Assert.Equal(RequestsPerMinute * 10, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(100 - RequestsPerMinute * 10, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
        Assert.NotNull(refused!.Headers.RetryAfter);
        await Hostile.ExpectProblem(refused, HttpStatusCode.TooManyRequests, "rate limit", "50 read requests per minute");
        await Hostile.ExpectHealthy(host);
    }

    [Fact]
    public async Task A_burst_of_uploads_is_cut_at_the_quota()
    {
        var ct = TestContext.Current.CancellationToken;
        var key = await LimitedTenant(ct);
        using var client = host.Client(key);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 30; i++)
        {
            using var content = ApiClient.Photo([0xFF, 0xD8, 0xFF, 0x00]); // not a decodable photo: refused after it is charged
            using var response = await client.PostAsync("/v1/identities", content, ct);
            statuses.Add(response.StatusCode);
        }

        Assert.All(statuses.Take(RequestsPerMinute), s => Assert.NotEqual(HttpStatusCode.TooManyRequests, s));
        Assert.All(statuses.Skip(RequestsPerMinute), s => Assert.Equal(HttpStatusCode.TooManyRequests, s));
        await Hostile.ExpectHealthy(host);
    }

    private async Task<string> LimitedTenant(CancellationToken ct)
    {
        var (tenantId, key) = await host.NewTenant();
        using var admin = host.Admin();
        await ApiClient.Expect(await admin.PutAsJsonAsync($"/v1/admin/tenants/{tenantId}/quotas",
            new { requests_per_minute = RequestsPerMinute }, ct), HttpStatusCode.OK);
        return key;
    }
}
