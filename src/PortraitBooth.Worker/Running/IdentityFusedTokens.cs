using PortraitBooth.Abstractions;
using PortraitBooth.Inference.Conditioning;
using PortraitBooth.Inference.Text;

namespace PortraitBooth.Worker.Running;

/// <summary>
/// The Inference fused-token seam over the job's IdentityGrains. Sampling is synchronous and grains are not, so
/// the rows the job's prompt can use are fetched before sampling (keyed exactly as the pipeline asks for them:
/// <see cref="TokenizedPrompt.IdsThroughIdentity"/> of the prompt the pipeline checked, expression words included),
/// and after it each identity is told which of them sampling used and which rows it had to fuse.
/// </summary>
public sealed class IdentityFusedTokens : IFusedTokenCache
{
    private readonly IReadOnlyList<IIdentityGrain> _identities;
    private readonly string _fusionId;
    private readonly Dictionary<(int Face, string Ids), float[]> _prefetched = [];
    private readonly Dictionary<(int Face, string Ids), float[]> _fusedHere = [];
    private readonly HashSet<(int Face, string Ids)> _used = [];
    private readonly List<(int Face, FusedTokenRow Row)> _new = [];
    private readonly Lock _lock = new();

    private IdentityFusedTokens(IReadOnlyList<IIdentityGrain> identities, string fusionId) =>
        (_identities, _fusionId) = (identities, fusionId);

    /// <param name="prompt">The prompt as the pipeline checks it (<c>Pipeline.Check</c>), so the keys are its keys.</param>
    public static async Task<IdentityFusedTokens> Load(IReadOnlyList<IIdentityGrain> identities, string fusionId, TokenizedPrompt prompt)
    {
        var cache = new IdentityFusedTokens(identities, fusionId);
        for (var k = 0; k < Math.Min(identities.Count, prompt.IdentityTokens.Count); k++)
        {
            var ids = prompt.IdsThroughIdentity(k);
            if (await identities[k].GetFusedToken(fusionId, ids) is { } fused) cache._prefetched[(k, Key(ids))] = fused;
        }
        return cache;
    }

    public float[]? Get(int face, IReadOnlyList<int> tokenIdsThroughIdentity)
    {
        var key = (face, Key(tokenIdsThroughIdentity));
        lock (_lock)
        {
            if (_fusedHere.TryGetValue(key, out var fusedHere)) return fusedHere; // a later image of this job
            if (!_prefetched.TryGetValue(key, out var cached)) return null;
            _used.Add(key);
            return cached;
        }
    }

    public void Put(int face, IReadOnlyList<int> tokenIdsThroughIdentity, float[] fused)
    {
        lock (_lock)
        {
            _fusedHere[(face, Key(tokenIdsThroughIdentity))] = fused;
            _new.Add((face, new FusedTokenRow(tokenIdsThroughIdentity.ToArray(), fused)));
        }
    }

    /// <summary>Tells each identity how many cached rows sampling used and hands it the rows fused during this job.</summary>
    public async Task SaveNew()
    {
        List<(int Face, FusedTokenRow Row)> rows;
        List<int> usedFaces;
        lock (_lock)
        {
            (rows, usedFaces) = ([.. _new], _used.Select(u => u.Face).ToList());
            _new.Clear();
            _used.Clear();
        }
        for (var face = 0; face < _identities.Count; face++)
        {
            var hits = usedFaces.Count(f => f == face);
            var fused = rows.Where(r => r.Face == face).Select(r => r.Row).ToList();
            if (hits > 0 || fused.Count > 0) await _identities[face].RecordFusedTokens(_fusionId, hits, fused);
        }
    }

    private static string Key(IReadOnlyList<int> ids) => string.Join(',', ids);
}
