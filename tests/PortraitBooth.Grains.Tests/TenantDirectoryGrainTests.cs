using PortraitBooth.Abstractions;

namespace PortraitBooth.Grains.Tests;

public sealed class TenantDirectoryGrainTests(ClusterFixture cluster)
{
    [Fact]
    public async Task Created_tenants_are_listed_once_each_in_order()
    {
        var directory = cluster.Grains.GetGrain<ITenantDirectoryGrain>(ITenantDirectoryGrain.Key);
        var (first, _) = await cluster.NewTenant();
        var (second, _) = await cluster.NewTenant();

        Assert.True(await directory.Add(second));
        Assert.True(await directory.Add(first));
        Assert.False(await directory.Add(first)); // already listed

        var listed = await directory.List();
        Assert.Equal(listed.Order(StringComparer.Ordinal), listed);
        Assert.Single(listed, id => id == first);
        Assert.Single(listed, id => id == second);
        // The tenant grains stay the source of truth: every listed id we added describes a tenant.
        Assert.NotNull(await cluster.Grains.GetGrain<ITenantGrain>(first).Describe());
    }
}
