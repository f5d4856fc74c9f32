using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PortraitBooth.Testing;

namespace PortraitBooth.Api.Tests;

public sealed class TenantIsolationTests(HostFixture host) : IClassFixture<HostFixture>
{
    [Fact]
    public async Task Another_tenants_identity_job_events_image_and_cancel_are_not_found()
    {
        var ct = TestContext.Current.CancellationToken;
        var (_, ownerKey) = await host.NewTenant("own");
        var (_, otherKey) = await host.NewTenant("oth");
        using var owner = host.Client(ownerKey);
        using var other = host.Client(otherKey);

        var identityId = (await ApiClient.CreateIdentity(owner)).GetProperty("id").GetString()!;
        var jobId = (await ApiClient.Submit(owner, new { prompt = "a photo of a man", identities = new[] { identityId }, steps = 2 }))
            .GetProperty("id").GetString()!;
        Assert.Equal("succeeded", (await EventStream.Follow(owner, jobId, ct))[^1].Type);

        await ApiClient.ExpectProblem(await other.GetAsync($"/v1/identities/{identityId}", ct), HttpStatusCode.NotFound);
        await ApiClient.ExpectProblem(await other.DeleteAsync($"/v1/identities/{identityId}", ct), HttpStatusCode.NotFound);
        await ApiClient.ExpectProblem(await other.GetAsync($"/v1/generations/{jobId}", ct), HttpStatusCode.NotFound);
        await ApiClient.ExpectProblem(await other.GetAsync($"/v1/generations/{jobId}/events", ct), HttpStatusCode.NotFound);
        await ApiClient.ExpectProblem(await other.GetAsync($"/v1/generations/{jobId}/images/0", ct), HttpStatusCode.NotFound);
        await ApiClient.ExpectProblem(await other.PostAsync($"/v1/generations/{jobId}/cancel", null, ct), HttpStatusCode.NotFound);
        // Using another tenant's identity in a generation is an unknown identity.
        using var borrowed = await other.PostAsJsonAsync("/v1/generations", new { prompt = "a photo of a man", identities = new[] { identityId } }, HostFixture.Json, ct);
        await ApiClient.ExpectProblem(borrowed, HttpStatusCode.BadRequest);

        var othersJobs = await ApiClient.Expect(await other.GetAsync("/v1/generations", ct), HttpStatusCode.OK);
        Assert.Equal(0, othersJobs.GetProperty("items").GetArrayLength());
        var othersIdentities = await ApiClient.Expect(await other.GetAsync("/v1/identities", ct), HttpStatusCode.OK);
        Assert.Equal(0, othersIdentities.GetProperty("items").GetArrayLength());
        // The owner still has both.
        await ApiClient.Expect(await owner.GetAsync($"/v1/identities/{identityId}", ct), HttpStatusCode.OK);
        using var image = await owner.GetAsync($"/v1/generations/{jobId}/images/0", ct);
        Assert.Equal(HttpStatusCode.OK, image.StatusCode);
    }

    [Fact]
    public async Task Missing_unknown_and_revoked_keys_answer_401_and_a_suspended_tenant_403()
    {
        var ct = TestContext.Current.CancellationToken;
        var (tenantId, key) = await host.NewTenant();
        using var admin = host.Admin();

        using (var anonymous = host.Client())
            await ApiClient.ExpectProblem(await anonymous.GetAsync("/v1/packs", ct), HttpStatusCode.Unauthorized);
        using (var malformed = host.Client("not-a-key"))
            await ApiClient.ExpectProblem(await malformed.GetAsync("/v1/packs", ct), HttpStatusCode.Unauthorized);
        var wrongSecret = key[..^4] + (key.EndsWith("0000") ? "1111" : "0000");
        using (var unknown = host.Client(wrongSecret))
            await ApiClient.ExpectProblem(await unknown.GetAsync("/v1/packs", ct), HttpStatusCode.Unauthorized);
        using (var noTenant = host.Client("pb_nosuchtenant_abcdef012345_" + new string('a', 48)))
            await ApiClient.ExpectProblem(await noTenant.GetAsync("/v1/packs", ct), HttpStatusCode.Unauthorized);

        var second = await ApiClient.Expect(await admin.PostAsJsonAsync($"/v1/admin/tenants/{tenantId}/keys", new { label = "second" }, ct), HttpStatusCode.Created);
        using var revokedClient = host.Client(second.GetProperty("key").GetString());
        await ApiClient.Expect(await revokedClient.GetAsync("/v1/packs", ct), HttpStatusCode.OK);
        using (var revoke = await admin.DeleteAsync($"/v1/admin/tenants/{tenantId}/keys/{second.GetProperty("key_id").GetString()}", ct))
            Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        await ApiClient.ExpectProblem(await revokedClient.GetAsync("/v1/packs", ct), HttpStatusCode.Unauthorized);

        using var client = host.Client(key);
        await ApiClient.Expect(await admin.PostAsJsonAsync($"/v1/admin/tenants/{tenantId}/suspend", new { reason = "unpaid invoice" }, ct), HttpStatusCode.OK);
        var detail = await ApiClient.ExpectProblem(await client.GetAsync("/v1/packs", ct), HttpStatusCode.Forbidden);
        Assert.Contains("unpaid invoice", detail);
        await ApiClient.Expect(await admin.PostAsync($"/v1/admin/tenants/{tenantId}/resume", null, ct), HttpStatusCode.OK);
        await ApiClient.Expect(await client.GetAsync("/v1/packs", ct), HttpStatusCode.OK);
    }

    [Fact]
    public async Task Admin_api_needs_the_admin_key_and_lists_tenants()
    {
        var ct = TestContext.Current.CancellationToken;
        var (tenantId, key) = await host.NewTenant();
        using (var noAdmin = host.Client(key))
            await ApiClient.ExpectProblem(await noAdmin.GetAsync("/v1/admin/tenants", ct), HttpStatusCode.Unauthorized);
        using var admin = host.Admin();
        var tenants = await ApiClient.Expect(await admin.GetAsync("/v1/admin/tenants", ct), HttpStatusCode.OK);
        Assert.Contains(tenants.EnumerateArray(), t => t.GetProperty("tenant_id").GetString() == tenantId);
        Assert.Contains(tenants.EnumerateArray(), t => t.GetProperty("tenant_id").GetString() == "default");
        var quotas = await ApiClient.Expect(await admin.PutAsJsonAsync($"/v1/admin/tenants/{tenantId}/quotas",
            new { max_jobs_in_flight = 1, images_per_day = 5, max_identities = 3, requests_per_minute = 60 }, ct), HttpStatusCode.OK);
        Assert.Equal(5, quotas.GetProperty("quotas").GetProperty("images_per_day").GetInt32());
        using var duplicate = await admin.PostAsJsonAsync("/v1/admin/tenants", new { id = tenantId }, ct);
        await ApiClient.ExpectProblem(duplicate, HttpStatusCode.Conflict);
        await ApiClient.ExpectProblem(await admin.PostAsync("/v1/admin/tenants/nosuch/resume", null, ct), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_quota_update_naming_some_quotas_keeps_the_others()
    {
        var ct = TestContext.Current.CancellationToken;
        var (tenantId, _) = await host.NewTenant();
        using var admin = host.Admin();
        await ApiClient.Expect(await admin.PutAsJsonAsync($"/v1/admin/tenants/{tenantId}/quotas",
            new { max_jobs_in_flight = 3, images_per_day = 7, max_identities = 4, requests_per_minute = 50 }, ct), HttpStatusCode.OK);

        var updated = await ApiClient.Expect(await admin.PutAsJsonAsync($"/v1/admin/tenants/{tenantId}/quotas",
            new { images_per_day = 9 }, ct), HttpStatusCode.OK);

        var quotas = updated.GetProperty("quotas");
        Assert.Equal((3, 9, 4, 50), (quotas.GetProperty("max_jobs_in_flight").GetInt32(), quotas.GetProperty("images_per_day").GetInt32(),
            quotas.GetProperty("max_identities").GetInt32(), quotas.GetProperty("requests_per_minute").GetInt32()));
        var stored = await ApiClient.Expect(await admin.GetAsync($"/v1/admin/tenants/{tenantId}", ct), HttpStatusCode.OK);
        Assert.Equal(4, stored.GetProperty("quotas").GetProperty("max_identities").GetInt32());
        await ApiClient.ExpectProblem(await admin.PutAsJsonAsync($"/v1/admin/tenants/{tenantId}/quotas",
            new { max_jobs_in_flight = 0 }, ct), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Daily_image_quota_answers_429_with_retry_after()
    {
        var ct = TestContext.Current.CancellationToken;
        var (tenantId, key) = await host.NewTenant();
        using var admin = host.Admin();
        await ApiClient.Expect(await admin.PutAsJsonAsync($"/v1/admin/tenants/{tenantId}/quotas",
            new { max_jobs_in_flight = 2, images_per_day = 1, max_identities = 3, requests_per_minute = 60 }, ct), HttpStatusCode.OK);
        using var client = host.Client(key);
        await ApiClient.Submit(client, new { prompt = "a painting of a lake", steps = 1 });
        using var refused = await client.PostAsJsonAsync("/v1/generations", new { prompt = "a painting of a lake", steps = 1 }, HostFixture.Json, ct);
        await ApiClient.ExpectProblem(refused, HttpStatusCode.TooManyRequests);
        Assert.NotNull(refused.Headers.RetryAfter);
    }
}
