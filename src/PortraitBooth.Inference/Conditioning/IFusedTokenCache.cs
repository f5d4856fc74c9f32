namespace PortraitBooth.Inference.Conditioning;

/// <summary>
/// Fused STEA rows a caller already has, for one set of faces and one pack (<see cref="Packs.PackIdentity.FusionId"/>).
/// Within that, the fused row of identity k depends only on face k and on <see cref="Text.TokenizedPrompt.IdsThroughIdentity"/>:
/// those ids are the key. A hit skips the fuse module for that row; misses are fused and handed to <see cref="Put"/>.
/// </summary>
public interface IFusedTokenCache
{
    /// <param name="face">Which face (the k-th identity token's) the row belongs to.</param>
    float[]? Get(int face, IReadOnlyList<int> tokenIdsThroughIdentity);
    void Put(int face, IReadOnlyList<int> tokenIdsThroughIdentity, float[] fused);
}
