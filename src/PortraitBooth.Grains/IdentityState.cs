using PortraitBooth.Abstractions;

namespace PortraitBooth.Grains;

[GenerateSerializer, Alias("pb.FusedTokenEntry")]
public sealed record FusedTokenEntry([property: Id(0)] string Key, [property: Id(1)] float[] Fused);

[GenerateSerializer, Alias("pb.IdentityState")]
public sealed class IdentityState
{
    [Id(0)] public IdentityRecord? Record { get; set; }
    /// <summary>φ(face) by face encoder id.</summary>
    [Id(1)] public Dictionary<string, float[]> Embeddings { get; set; } = [];
    /// <summary>The fused-token LRU, least recent first (its recency as of the last write).</summary>
    [Id(2)] public List<FusedTokenEntry> FusedTokens { get; set; } = [];
}
