using PortraitBooth.Abstractions;

namespace PortraitBooth.Grains.Tests;

public sealed class IdentityGrainTests(ClusterFixture cluster)
{
    private static IdentityRecord Record(string tenantId, string identityId) =>
        new(tenantId, identityId, "George", $"{tenantId}/photos/{identityId}", [1, 2, 3, 4], 1, DateTimeOffset.UtcNow);

    [Fact]
    public async Task Fused_tokens_live_in_a_bounded_lru_and_count_what_sampling_used_not_what_was_prefetched()
    {
        var (tenantId, _) = await cluster.NewTenant();
        var identity = cluster.Grains.GetGrain<IIdentityGrain>(IIdentityGrain.Key(tenantId, "george"));
        await identity.Create(Record(tenantId, "george"));

        int[] Ids(int i) => [49406, 320, i];
        FusedTokenRow Row(int i) => new(Ids(i), [i]);
        await identity.RecordFusedTokens("tiny", 0, Enumerable.Range(0, IdentityGrain.FusedTokenCapacity).Select(Row).ToList());
        Assert.Equal(new float[] { 0f }, await identity.GetFusedToken("tiny", Ids(0))); // touch the oldest: now most recent
        await identity.RecordFusedTokens("tiny", 1, [Row(1000)]);                          // evicts the least recent: entry 1

        Assert.Null(await identity.GetFusedToken("tiny", Ids(1)));
        Assert.Null(await identity.GetFusedToken("other-pack", Ids(0)));
        Assert.Equal(new float[] { 1000f }, await identity.GetFusedToken("tiny", Ids(1000)));
        Assert.Equal(new float[] { 0f }, await identity.GetFusedToken("tiny", Ids(0)));

        var info = await identity.Describe();
        Assert.Equal(new CacheStats(1, IdentityGrain.FusedTokenCapacity + 1, IdentityGrain.FusedTokenCapacity), info!.FusedTokens);
    }

    [Fact]
    public async Task Embeddings_are_kept_per_face_encoder_and_delete_clears_everything()
    {
        var (tenantId, _) = await cluster.NewTenant();
        var tenant = cluster.Grains.GetGrain<ITenantGrain>(tenantId);
        Assert.True(await tenant.AddIdentity("george"));
        var identity = cluster.Grains.GetGrain<IIdentityGrain>(IIdentityGrain.Key(tenantId, "george"));
        Assert.Null(await identity.Describe());
        await identity.Create(Record(tenantId, "george"));
        await identity.Create(Record(tenantId, "george")); // a retried create is harmless

        Assert.Null(await identity.GetEmbedding("tiny:abc"));
        await identity.PutEmbedding("tiny:abc", [0.5f, 0.25f]);
        await identity.RecordFusedTokens("tiny", 0, [new FusedTokenRow([1, 2], [9f])]);
        Assert.Equal(new float[] { 0.5f, 0.25f }, await identity.GetEmbedding("tiny:abc"));
        Assert.Null(await identity.GetEmbedding("mid:def"));
        var info = await identity.Describe();
        Assert.Equal(["tiny:abc"], info!.FaceEncoders);
        Assert.Equal(new CacheStats(1, 2, 1), info.Embeddings);

        Assert.Equal($"{tenantId}/photos/george", await identity.Delete());
        Assert.Null(await identity.Describe());
        Assert.Null(await identity.GetEmbedding("tiny:abc"));
        Assert.Null(await identity.GetFusedToken("tiny", [1, 2]));
        Assert.Null(await identity.Delete());
        Assert.Empty(await tenant.Identities());
    }
}
