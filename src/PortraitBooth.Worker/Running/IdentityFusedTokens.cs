using PortraitBooth.Abstractions;
using PortraitBooth.Inference.Conditioning;

namespace PortraitBooth.Worker.Running;

/// <summary>
/// The Inference fused-token seam over the job's IdentityGrains. Sampling is synchronous and grains are not, so
/// the rows this prompt can use are fetched before sampling and new rows are written back after it.
/// </summary>
public sealed class IdentityFusedTokens : IFusedTokenCache
{
    private readonly IReadOnlyList<IIdentityGrain> _identities;
    private readonly string _fusionId;
    private readonly Dictionary<(int Face, string Ids), float[]> _rows = [];
    private readonly List<(int Face, int[] Ids, float[] Fused)> _new = [];
    private readonly Lock _lock = new();

    private IdentityFusedTokens(IReadOnlyList<IIdentityGrain> identities, string fusionId) =>
        (_identities, _fusionId) = (identities, fusionId);

    /// <param name="idsThroughIdentity">For face k, the prompt's token ids through its identity token.</param>
    public static async Task<IdentityFusedTokens> Load(IReadOnlyList<IIdentityGrain> identities, string fusionId,
        IReadOnlyList<int[]> idsThroughIdentity)
    {
        var cache = new IdentityFusedTokens(identities, fusionId);
        for (var k = 0; k < Math.Min(identities.Count, idsThroughIdentity.Count); k++)
            if (await identities[k].GetFusedToken(fusionId, idsThroughIdentity[k]) is { } fused)
                cache._rows[(k, Key(idsThroughIdentity[k]))] = fused;
        return cache;
    }

    public float[]? Get(int face, IReadOnlyList<int> tokenIdsThroughIdentity)
    {
        lock (_lock) return _rows.GetValueOrDefault((face, Key(tokenIdsThroughIdentity)));
    }

    public void Put(int face, IReadOnlyList<int> tokenIdsThroughIdentity, float[] fused)
    {
        lock (_lock)
        {
            _rows[(face, Key(tokenIdsThroughIdentity))] = fused; // later images of the same job reuse it at once
            _new.Add((face, tokenIdsThroughIdentity.ToArray(), fused));
        }
    }

    /// <summary>Writes the rows fused during this job to their identities.</summary>
    public async Task SaveNew()
    {
        List<(int Face, int[] Ids, float[] Fused)> rows;
        lock (_lock)
        {
            rows = [.. _new];
            _new.Clear();
        }
        foreach (var (face, ids, fused) in rows)
            if (face < _identities.Count) await _identities[face].PutFusedToken(_fusionId, ids, fused);
    }

    private static string Key(IReadOnlyList<int> ids) => string.Join(',', ids);
}
