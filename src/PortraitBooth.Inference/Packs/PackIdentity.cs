namespace PortraitBooth.Inference.Packs;

/// <summary>
/// The ids under which grains cache what a pack computed. Each names the pack and the hashes of the model files that
/// produced the value, so a rebuilt pack under the same name never reuses a stale φ or fused token.
/// </summary>
public static class PackIdentity
{
    /// <summary>φ's source: "&lt;pack&gt;:&lt;face_encoder sha256&gt;". The API (uploads) and the worker (jobs) must agree on it.</summary>
    public static string FaceEncoderId(string packName, PackManifest manifest) => $"{packName}:{FileHash(manifest, PackModels.FaceEncoder)}";

    /// <summary>
    /// Everything a fused row depends on besides the identity's photo and the prompt's ids: the text encoder, the
    /// fuse module and the face encoder that made φ — "&lt;pack&gt;:&lt;text_encoder&gt;:&lt;stea&gt;:&lt;face_encoder sha256&gt;".
    /// </summary>
    public static string FusionId(string packName, PackManifest manifest) =>
        $"{packName}:{FileHash(manifest, PackModels.TextEncoder)}:{FileHash(manifest, PackModels.Stea)}:{FileHash(manifest, PackModels.FaceEncoder)}";

    // A manifest without a hash for the file falls back to the pack version (hand-made packs).
    private static string FileHash(PackManifest manifest, string model) =>
        manifest.Files.TryGetValue(manifest.Models[model].Path, out var sha256) ? sha256 : manifest.Version;
}
