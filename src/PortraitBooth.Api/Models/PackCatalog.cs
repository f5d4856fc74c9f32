using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using PortraitBooth.Inference.Faces;
using PortraitBooth.Inference.Packs;
using PortraitBooth.Inference.Text;

namespace PortraitBooth.Api.Models;

/// <summary>A pack the request named that is not installed.</summary>
public sealed class UnknownPackException(string message) : ArgumentException(message);

/// <summary>One installed pack as the API uses it: manifest and tokenizer for validation, the face encoder for uploads.</summary>
public sealed class InstalledPack : IDisposable
{
    private readonly Lazy<ClipTokenizer> _tokenizer;
    private readonly Lazy<ModelPack> _models;

    public InstalledPack(string name, string directory)
    {
        Name = name;
        Directory = Path.GetFullPath(directory);
        Manifest = ModelPack.ReadManifest(Directory);
        // The worker's name for φ's source (LoadedPack.FaceEncoderId): a φ stored under it is used as is.
        var encoder = Manifest.Models[PackModels.FaceEncoder].Path;
        FaceEncoderId = $"{name}:{(Manifest.Files.TryGetValue(encoder, out var sha256) ? sha256 : Manifest.Version)}";
        _tokenizer = new(() => PackTokenizer.Create(Directory, Manifest));
        _models = new(() => ModelPack.Open(Directory));
    }

    public string Name { get; }
    public string Directory { get; }
    public PackManifest Manifest { get; }
    public string FaceEncoderId { get; }
    public ClipTokenizer Tokenizer => _tokenizer.Value;
    /// <summary>The verified pack with its sessions, opened on first use (the API runs only its face encoder).</summary>
    public ModelPack Models => _models.Value;

    public void Dispose()
    {
        if (_models.IsValueCreated) _models.Value.Dispose();
    }
}

/// <summary>The packs named in configuration, each located (and, by the host's locator, created) and read on first use.</summary>
public sealed class PackCatalog(IOptions<PortraitBoothApiOptions> options, IModelLocator locator) : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<InstalledPack>> _packs = new(StringComparer.Ordinal);
    private readonly Lazy<FaceModels> _faceModels = new(() => FaceModels.Open(locator.FaceModelsDirectory(options.Value.FaceModels)));

    public IReadOnlyList<string> Names => options.Value.Packs.Keys.Order(StringComparer.Ordinal).ToList();

    public string DefaultPack => options.Value.DefaultPack;

    public InstalledPack Default => Get(DefaultPack);

    /// <summary>The face networks used to find and align faces in uploads.</summary>
    public FaceModels FaceModels => _faceModels.Value;

    /// <exception cref="UnknownPackException">The name is not configured.</exception>
    public InstalledPack Get(string name)
    {
        if (!options.Value.Packs.TryGetValue(name, out var configured))
            throw new UnknownPackException($"pack '{name}' is not installed; installed packs: {string.Join(", ", Names)}");
        return _packs.GetOrAdd(name, n => new Lazy<InstalledPack>(() => new InstalledPack(n, locator.PackDirectory(n, configured)))).Value;
    }

    public void Dispose()
    {
        foreach (var pack in _packs.Values.Where(p => p.IsValueCreated)) pack.Value.Dispose();
        if (_faceModels.IsValueCreated) _faceModels.Value.Dispose();
    }
}
