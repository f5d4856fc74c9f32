using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace PortraitBooth.Inference.Packs;

/// <summary>
/// Names a pack's face encoder by what determines φ: the encoder file's sha256 and the face preprocessing. Two packs
/// that ship the same encoder with the same preprocessing share the id, so a cached φ serves both.
/// </summary>
public static class FaceEncoderId
{
    public static string Of(PackManifest manifest)
    {
        var file = manifest.Models[PackModels.FaceEncoder].Path;
        var fileHash = manifest.Files.TryGetValue(file, out var sha256) ? sha256 : file;
        var text = fileHash + "\n" + JsonSerializer.Serialize(manifest.Face, PackManifest.JsonOptions);
        return "fe-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
    }
}
