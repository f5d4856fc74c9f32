namespace PortraitBooth.Abstractions;

/// <summary>What an upload produced: the stored photo and the face found in it.</summary>
[GenerateSerializer, Immutable, Alias("pb.IdentityRecord")]
public sealed record IdentityRecord(
    [property: Id(0)] string TenantId,
    [property: Id(1)] string IdentityId,
    [property: Id(2)] string? Name,
    [property: Id(3)] string PhotoBlobKey,
    [property: Id(4)] float[] FaceBox,
    [property: Id(5)] int FacesFound,
    [property: Id(6)] DateTimeOffset CreatedAt);

[GenerateSerializer, Immutable, Alias("pb.CacheStats")]
public sealed record CacheStats([property: Id(0)] long Hits, [property: Id(1)] long Misses, [property: Id(2)] int Entries);

[GenerateSerializer, Immutable, Alias("pb.IdentityInfo")]
public sealed record IdentityInfo(
    [property: Id(0)] IdentityRecord Record,
    [property: Id(1)] IReadOnlyList<string> FaceEncoders,
    [property: Id(2)] CacheStats Embeddings,
    [property: Id(3)] CacheStats FusedTokens);

/// <summary>A fused STEA row and its key (the prompt's token ids through the identity token).</summary>
[GenerateSerializer, Immutable, Alias("pb.FusedTokenRow")]
public sealed record FusedTokenRow([property: Id(0)] int[] TokenIdsThroughIdentity, [property: Id(1)] float[] Fused);

/// <summary>
/// A user identity (key: "tenant/identity"): the photo's blob key, φ(face) per face encoder, and fused STEA tokens
/// per (pack, token ids up to and including the identity token) in a bounded LRU. Knows nothing of ONNX.
/// </summary>
public interface IIdentityGrain : IGrainWithStringKey
{
    Task Create(IdentityRecord record);
    Task<IdentityInfo?> Describe();
    Task<float[]?> GetEmbedding(string faceEncoderId);
    Task PutEmbedding(string faceEncoderId, float[] embedding);
    /// <summary>A prefetch before sampling: not counted, since sampling may not get to use it.</summary>
    Task<float[]?> GetFusedToken(string fusionId, int[] tokenIdsThroughIdentity);
    /// <summary>
    /// What one job's sampling did with this identity's rows: <paramref name="hits"/> rows it took from the cache,
    /// and the rows it had to fuse (each a miss), stored with one state write.
    /// </summary>
    Task RecordFusedTokens(string fusionId, int hits, IReadOnlyList<FusedTokenRow> fused);
    /// <summary>Deletes photo reference, embeddings and tokens; returns the photo's blob key (null when absent).</summary>
    Task<string?> Delete();

    public static string Key(string tenantId, string identityId) => $"{tenantId}/{identityId}";
}
