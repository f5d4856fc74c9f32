using PortraitBooth.Abstractions;
using PortraitBooth.Abstractions.Telemetry;

namespace PortraitBooth.Grains;

/// <summary>
/// One identity (key "tenant/identity"): the photo's blob key, φ per face encoder, and fused STEA tokens per
/// (pack, token ids through the identity token) in a bounded LRU. State is written when something new is stored;
/// reads only move LRU recency in memory, so a cache hit costs no storage write.
/// </summary>
public sealed class IdentityGrain(
    [PersistentState("identity", GrainStorage.Name)] IPersistentState<IdentityState> state) : Grain, IIdentityGrain
{
    public const int FusedTokenCapacity = 256;

    private readonly LruCache<string, float[]> _fused = new(FusedTokenCapacity);
    private long _embeddingHits, _embeddingMisses, _fusedHits, _fusedMisses;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        foreach (var entry in state.State.FusedTokens) _fused.Put(entry.Key, entry.Fused);
        return Task.CompletedTask;
    }

    public async Task Create(IdentityRecord record)
    {
        if (state.State.Record is { } existing)
        {
            if (existing.PhotoBlobKey == record.PhotoBlobKey) return; // a retried create
            throw new InvalidOperationException($"identity '{this.GetPrimaryKeyString()}' already exists");
        }
        state.State = new IdentityState { Record = record };
        _fused.Clear();
        await state.WriteStateAsync();
    }

    public Task<IdentityInfo?> Describe()
    {
        if (state.State.Record is not { } record) return Task.FromResult<IdentityInfo?>(null);
        return Task.FromResult<IdentityInfo?>(new IdentityInfo(record,
            state.State.Embeddings.Keys.Order(StringComparer.Ordinal).ToList(),
            new CacheStats(_embeddingHits, _embeddingMisses, state.State.Embeddings.Count),
            new CacheStats(_fusedHits, _fusedMisses, _fused.Count)));
    }

    public Task<float[]?> GetEmbedding(string faceEncoderId)
    {
        if (state.State.Record is not null && state.State.Embeddings.TryGetValue(faceEncoderId, out var embedding))
        {
            _embeddingHits++;
            PlatformMetrics.IdentityCacheLookup(PlatformMetrics.EmbeddingCache, hit: true);
            return Task.FromResult<float[]?>(embedding);
        }
        _embeddingMisses++;
        PlatformMetrics.IdentityCacheLookup(PlatformMetrics.EmbeddingCache, hit: false);
        return Task.FromResult<float[]?>(null);
    }

    public async Task PutEmbedding(string faceEncoderId, float[] embedding)
    {
        if (state.State.Record is null) return; // deleted while a worker computed it: keep nothing
        state.State.Embeddings[faceEncoderId] = embedding;
        await state.WriteStateAsync();
    }

    public Task<float[]?> GetFusedToken(string fusionId, int[] tokenIdsThroughIdentity)
    {
        if (state.State.Record is null) return Task.FromResult<float[]?>(null);
        return Task.FromResult(_fused.TryGet(FusedKey(fusionId, tokenIdsThroughIdentity), out var fused) ? fused : null);
    }

    public async Task RecordFusedTokens(string fusionId, int hits, IReadOnlyList<FusedTokenRow> fused)
    {
        if (state.State.Record is null) return;
        _fusedHits += hits;
        _fusedMisses += fused.Count;
        for (var i = 0; i < hits; i++) PlatformMetrics.IdentityCacheLookup(PlatformMetrics.FusedTokenCache, hit: true);
        foreach (var row in fused) PlatformMetrics.IdentityCacheLookup(PlatformMetrics.FusedTokenCache, hit: false);
        if (fused.Count == 0) return;
        foreach (var row in fused) _fused.Put(FusedKey(fusionId, row.TokenIdsThroughIdentity), row.Fused);
        state.State.FusedTokens = _fused.OldestFirst().Select(e => new FusedTokenEntry(e.Key, e.Value)).ToList();
        await state.WriteStateAsync();
    }

    public async Task<string?> Delete()
    {
        var record = state.State.Record;
        if (record is null) return null;
        _fused.Clear();
        await state.ClearStateAsync();
        state.State = new IdentityState();
        await GrainFactory.GetGrain<ITenantGrain>(record.TenantId).RemoveIdentity(record.IdentityId);
        return record.PhotoBlobKey;
    }

    // Token ids are the key, not the prompt text: prompts that tokenize alike share an entry.
    private static string FusedKey(string fusionId, int[] tokenIds) => $"{fusionId}|{string.Join(',', tokenIds)}";
}
