using System.Diagnostics;
using System.Text.Json.Nodes;
using PortraitBooth.Inference.Packs;
using PortraitBooth.ModelBuilder;

[assembly: AssemblyFixture(typeof(PortraitBooth.Testing.GeneratedPacks))]

namespace PortraitBooth.Testing;

/// <summary>A generated pack folder, its manifest and how long generation took.</summary>
public sealed record GeneratedPack(string Folder, PackManifest Manifest, TimeSpan GenerationTime)
{
    public string ModelPath(string role) => Path.Combine(Folder, Manifest.Models[role].Path);
}

/// <summary>
/// The packs every test class shares, generated once per test run (mid takes seconds) into a temporary folder,
/// each on first use.
/// </summary>
public sealed class GeneratedPacks : IDisposable
{
    public const ulong Seed = 1;

    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("portraitbooth-packs-");
    private readonly Lazy<GeneratedPack> _tiny;
    private readonly Lazy<GeneratedPack> _tinyFloat16;
    private readonly Lazy<GeneratedPack> _mid;

    public GeneratedPacks()
    {
        _tiny = new(() => Generate(PackKind.Tiny, float16: false, Seed));
        _tinyFloat16 = new(() => Generate(PackKind.Tiny, float16: true, Seed));
        _mid = new(() => Generate(PackKind.Mid, float16: false, Seed));
    }

    public GeneratedPack Tiny => _tiny.Value;
    public GeneratedPack TinyFloat16 => _tinyFloat16.Value;
    public GeneratedPack Mid => _mid.Value;

    public GeneratedPack this[string name] => name switch
    {
        "tiny" => Tiny,
        "tiny-fp16" => TinyFloat16,
        "mid" => Mid,
        _ => throw new ArgumentException(name),
    };

    public string NewFolder(string name) => Path.Combine(_root.FullName, $"{name}-{Guid.NewGuid():N}");

    public GeneratedPack Generate(PackKind kind, bool float16, ulong seed)
    {
        var folder = NewFolder($"{kind}-{float16}-{seed}".ToLowerInvariant());
        var clock = Stopwatch.StartNew();
        var manifest = PackGenerator.Create(kind, float16, folder, seed);
        return new GeneratedPack(folder, manifest, clock.Elapsed);
    }

    /// <summary>A private copy of a pack that a test may damage.</summary>
    public string CopyOf(GeneratedPack pack) => CopyFolder(pack.Folder, NewFolder("copy"));

    public static string CopyFolder(string source, string target)
    {
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var copy = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(file, copy);
        }
        return target;
    }

    /// <summary>A private copy of <paramref name="pack"/> whose pack.json <paramref name="edit"/> changed; the graphs and their hashes stay.</summary>
    public string CopyWithManifest(GeneratedPack pack, Action<JsonNode> edit)
    {
        var copy = CopyOf(pack);
        EditManifest(copy, edit);
        return copy;
    }

    public static void EditManifest(string folder, Action<JsonNode> edit)
    {
        var path = Path.Combine(folder, PackManifest.FileName);
        var json = JsonNode.Parse(File.ReadAllText(path))!;
        edit(json);
        File.WriteAllText(path, json.ToJsonString());
    }

    public void Dispose() => _root.Delete(recursive: true);
}
