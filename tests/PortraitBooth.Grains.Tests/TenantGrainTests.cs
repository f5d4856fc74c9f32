using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Orleans.TestingHost;
using PortraitBooth.Abstractions;

namespace PortraitBooth.Grains.Tests;

public sealed class TenantGrainTests(ClusterFixture cluster)
{
    [Fact]
    public async Task Create_issues_a_key_that_checks_valid_and_only_its_salted_hash_is_stored()
    {
        var (tenantId, key) = await cluster.NewTenant();
        Assert.True(ApiKeyFormat.TryParse(key.Key, out var parts));
        Assert.Equal((tenantId, key.KeyId), (parts.TenantId, parts.KeyId));

        var tenant = cluster.Grains.GetGrain<ITenantGrain>(tenantId);
        Assert.Equal(KeyStatus.Valid, (await tenant.CheckKey(parts.KeyId, parts.Secret, RequestKind.Read)).Status);
        Assert.Equal(KeyStatus.Unknown, (await tenant.CheckKey(parts.KeyId, parts.Secret.Replace(parts.Secret[0], parts.Secret[0] == 'a' ? 'b' : 'a'), RequestKind.Read)).Status);
        Assert.Equal(KeyStatus.Unknown, (await tenant.CheckKey("000000000000", parts.Secret, RequestKind.Read)).Status);

        var stored = await ReadStoredTenant(tenantId);
        var storedKey = Assert.Single(stored.Keys);
        Assert.Equal(32, storedKey.Hash.Length);
        Assert.NotEmpty(storedKey.Salt);
        var secretBytes = Encoding.UTF8.GetBytes(parts.Secret);
        Assert.DoesNotContain(parts.Secret, Convert.ToHexStringLower(storedKey.Hash) + Convert.ToHexStringLower(storedKey.Salt));
        Assert.False(storedKey.Hash.AsSpan().IndexOf(secretBytes.AsSpan(0, 8)) >= 0);
    }

    [Fact]
    public async Task Revoked_keys_and_suspended_tenants_are_refused()
    {
        var (tenantId, first) = await cluster.NewTenant();
        var tenant = cluster.Grains.GetGrain<ITenantGrain>(tenantId);
        var second = await tenant.CreateKey("ci");
        ApiKeyFormat.TryParse(first.Key, out var a);
        ApiKeyFormat.TryParse(second.Key, out var b);

        Assert.True(await tenant.RevokeKey(first.KeyId));
        Assert.False(await tenant.RevokeKey("nope"));
        Assert.Equal(KeyStatus.Revoked, (await tenant.CheckKey(a!.KeyId, a.Secret, RequestKind.Read)).Status);
        Assert.Equal(KeyStatus.Valid, (await tenant.CheckKey(b!.KeyId, b.Secret, RequestKind.Read)).Status);

        await tenant.Suspend("unpaid invoice");
        var check = await tenant.CheckKey(b.KeyId, b.Secret, RequestKind.Read);
        Assert.Equal((KeyStatus.Suspended, "unpaid invoice"), (check.Status, check.Reason));
        Assert.Equal(AdmissionDecision.Refused, (await tenant.Admit(Specs.NewJobId(), 1)).Decision);
        await tenant.Resume();
        Assert.Equal(KeyStatus.Valid, (await tenant.CheckKey(b.KeyId, b.Secret, RequestKind.Read)).Status);

        var info = await tenant.Describe();
        Assert.Equal([true, false], info!.Keys.Select(k => k.Revoked));
    }

    [Fact]
    public void Api_key_format_round_trips_tenant_ids_with_underscores_and_rejects_malformed_keys()
    {
        var key = ApiKeyFormat.Format("acme_eu", "0a1b2c", "deadbeef");
        Assert.True(ApiKeyFormat.TryParse(key, out var parts));
        Assert.Equal(new ApiKeyParts("acme_eu", "0a1b2c", "deadbeef"), parts);
        foreach (var bad in new[] { "", "pb_", "pb_x_y", "xx_acme_0a_de", "pb_acme_0A_de", "pb__0a_de", "pb_acme_0a_" })
            Assert.False(ApiKeyFormat.TryParse(bad, out _), bad);
    }

    [Fact]
    public async Task Identities_are_capped_by_the_quota()
    {
        var (tenantId, _) = await cluster.NewTenant(new TenantQuotas(MaxIdentities: 2));
        var tenant = cluster.Grains.GetGrain<ITenantGrain>(tenantId);
        Assert.True(await tenant.AddIdentity("a"));
        Assert.True(await tenant.AddIdentity("b"));
        Assert.True(await tenant.AddIdentity("a")); // already there: no new slot needed
        Assert.False(await tenant.AddIdentity("c"));
        await tenant.RemoveIdentity("a");
        Assert.True(await tenant.AddIdentity("c"));
        Assert.Equal(["b", "c"], await tenant.Identities());
    }

    [Fact]
    public async Task Admission_refuses_past_the_daily_image_quota_with_retry_after()
    {
        var (tenantId, _) = await cluster.NewTenant(new TenantQuotas(MaxJobsInFlight: 100, ImagesPerDay: 5, RequestsPerMinute: 3));
        var tenant = cluster.Grains.GetGrain<ITenantGrain>(tenantId);
        Assert.Equal(AdmissionDecision.Dispatch, (await tenant.Admit("j1", 4)).Decision);
        var overQuota = await tenant.Admit("j2", 2);
        Assert.Equal(AdmissionDecision.Refused, overQuota.Decision);
        Assert.InRange(overQuota.RetryAfter!.Value, TimeSpan.FromTicks(1), TimeSpan.FromDays(1));
        Assert.Contains("daily image quota", overQuota.Reason);

        Assert.Equal(AdmissionDecision.Dispatch, (await tenant.Admit("j3", 1)).Decision);
        Assert.Equal(AdmissionDecision.Dispatch, (await tenant.Admit("j1", 4)).Decision); // repeated: not charged again
        Assert.Equal(["j3", "j1"], await tenant.Jobs());
    }

    [Fact]
    public async Task Every_checked_request_spends_the_rate_limit_writes_at_the_quota_reads_at_ten_times_it()
    {
        var (tenantId, key) = await cluster.NewTenant(new TenantQuotas(RequestsPerMinute: 3));
        var tenant = cluster.Grains.GetGrain<ITenantGrain>(tenantId);
        Assert.True(ApiKeyFormat.TryParse(key.Key, out var parts));

        for (var i = 0; i < 3; i++) Assert.Equal(KeyStatus.Valid, (await tenant.CheckKey(parts.KeyId, parts.Secret, RequestKind.Write)).Status);
        var tooFast = await tenant.CheckKey(parts.KeyId, parts.Secret, RequestKind.Write);
        Assert.Equal(KeyStatus.RateLimited, tooFast.Status);
        Assert.InRange(tooFast.RetryAfter!.Value, TimeSpan.FromTicks(1), TimeSpan.FromMinutes(1));
        Assert.Contains("3 write requests per minute", tooFast.Reason);

        for (var i = 0; i < 3 * TenantQuotas.ReadBudgetMultiple; i++)
            Assert.Equal(KeyStatus.Valid, (await tenant.CheckKey(parts.KeyId, parts.Secret, RequestKind.Read)).Status);
        Assert.Equal(KeyStatus.RateLimited, (await tenant.CheckKey(parts.KeyId, parts.Secret, RequestKind.Read)).Status);
        var wrongSecret = parts.Secret.Replace(parts.Secret[0], parts.Secret[0] == 'a' ? 'b' : 'a');
        Assert.Equal(KeyStatus.Unknown, (await tenant.CheckKey(parts.KeyId, wrongSecret, RequestKind.Read)).Status); // not charged, not told
    }

    [Fact]
    public async Task Recent_jobs_stay_listed_newest_first_while_the_tenant_state_holds_only_one_page_of_them()
    {
        const int admitted = TenantGrain.MaxJobsListed + 2 * RecentJobPages.PageSize + 7;
        var (tenantId, _) = await cluster.NewTenant(new TenantQuotas(ImagesPerDay: 10_000));
        var tenant = cluster.Grains.GetGrain<ITenantGrain>(tenantId);
        var ids = Enumerable.Range(0, admitted).Select(i => $"job{i:D5}").ToList();
        foreach (var id in ids)
        {
            Assert.Equal(AdmissionDecision.Dispatch, (await tenant.Admit(id, 1)).Decision);
            await tenant.JobEnded(id);
        }

        var stored = await ReadStoredTenant(tenantId);
        Assert.Equal(7, stored.RecentJobs.Count); // the rest sealed into pages, each written once
        var newestFirst = Enumerable.Reverse(ids).Take(TenantGrain.MaxJobsListed).ToList();
        Assert.Equal(newestFirst, await tenant.Jobs());
    }

    [Fact]
    public async Task A_page_that_cannot_be_written_fails_the_admission_and_its_retry_loses_no_job()
    {
        var (tenantId, _) = await cluster.NewTenant(new TenantQuotas(ImagesPerDay: 10_000));
        var tenant = cluster.Grains.GetGrain<ITenantGrain>(tenantId);
        var ids = Enumerable.Range(0, RecentJobPages.PageSize + 1).Select(i => $"job{i:D3}").ToList();
        foreach (var id in ids[..^1])
        {
            await tenant.Admit(id, 1);
            await tenant.JobEnded(id);
        }

        var firstPage = cluster.Grains.GetGrain<ITenantJobPageGrain>(RecentJobPages.Key(tenantId, 0));
        FaultInjectingStorage.FailNextWrites(firstPage.GetGrainId(), 1);
        await Assert.ThrowsAnyAsync<Exception>(() => tenant.Admit(ids[^1], 1));
        Assert.Equal(RecentJobPages.PageSize, (await tenant.Describe())!.Usage.ImagesToday); // the failed one charged nothing

        Assert.Equal(AdmissionDecision.Dispatch, (await tenant.Admit(ids[^1], 1)).Decision);
        Assert.Equal(Enumerable.Reverse(ids).ToList(), await tenant.Jobs());
        Assert.Equal(Enumerable.Reverse(ids[..^1]).ToList(), await firstPage.Ids());
    }

    private async Task<TenantState> ReadStoredTenant(string tenantId)
    {
        // Straight from the silo's storage provider: what would land in Redis.
        var services = ((InProcessSiloHandle)cluster.Cluster.Primary!).SiloHost!.Services;
        var storage = services.GetRequiredKeyedService<IGrainStorage>(GrainStorage.Name);
        var state = new GrainState<TenantState>();
        await storage.ReadStateAsync("tenant", GrainId.Create("tenant", tenantId), state);
        Assert.True(state.RecordExists);
        return state.State!;
    }
}
