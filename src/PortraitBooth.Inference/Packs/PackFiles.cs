using System.Security.Cryptography;

namespace PortraitBooth.Inference.Packs;

/// <summary>The pack's file list: every file must exist and match its sha256.</summary>
public static class PackFiles
{
    public static void Verify(string directory, PackManifest manifest)
    {
        foreach (var (model, spec) in manifest.Models)
            if (!manifest.Files.ContainsKey(spec.Path))
                throw new PackException($"pack.json: model '{model}' points at '{spec.Path}', which is not in its file list");

        foreach (var (relative, expected) in manifest.Files)
        {
            var path = Path.Combine(directory, relative.Replace('/', Path.DirectorySeparatorChar));
            if (!File.Exists(path))
                throw new PackException($"pack file '{relative}' is missing (expected at {path})");
            var actual = Sha256Of(path);
            if (!string.Equals(actual, expected, StringComparison.OrdinalIgnoreCase))
                throw new PackException($"pack file '{relative}' has sha256 {actual}, but pack.json says {expected}");
        }
    }

    public static string Sha256Of(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
