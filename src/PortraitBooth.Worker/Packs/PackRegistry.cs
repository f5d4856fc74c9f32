using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using PortraitBooth.Inference.Faces;
using PortraitBooth.Inference.Packs;

namespace PortraitBooth.Worker.Packs;

/// <summary>
/// Pack name → opened pack. Each pack is opened on first use, once (ONNX sessions are costly and thread-safe);
/// the face networks are opened once and shared by every pack.
/// </summary>
public sealed class PackRegistry(IOptions<PortraitWorkerOptions> options) : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<LoadedPack>> _packs = new(StringComparer.Ordinal);
    private readonly Lazy<FaceModels> _faceModels = new(() => FaceModels.Open(options.Value.FaceModelsDirectory
        ?? throw new InvalidOperationException("no face models configured (PortraitWorkerOptions.FaceModelsDirectory)")));

    public IReadOnlyCollection<string> Names => options.Value.Packs.Keys;

    public LoadedPack Get(string name)
    {
        if (!options.Value.Packs.TryGetValue(name, out var directory))
            throw new UnknownPackException($"pack '{name}' is not installed on this worker (installed: {string.Join(", ", Names)})");
        return _packs.GetOrAdd(name, _ => new Lazy<LoadedPack>(
            () => LoadedPack.Create(name, ModelPack.Open(directory), new LazyAlignedFaceInput(_faceModels)))).Value;
    }

    public void Dispose()
    {
        foreach (var pack in _packs.Values.Where(p => p.IsValueCreated)) pack.Value.Pack.Dispose();
        if (_faceModels.IsValueCreated) _faceModels.Value.Dispose();
    }

    // Opens the face networks only when a photo actually needs aligning (a cached φ never does).
    private sealed class LazyAlignedFaceInput(Lazy<FaceModels> models) : IFaceInput
    {
        private readonly Lazy<AlignedFaceInput> _input = new(() => new AlignedFaceInput(new FaceAnalyzer(models.Value)));

        public PreparedFace Prepare(SixLabors.ImageSharp.Image<SixLabors.ImageSharp.PixelFormats.Rgb24> photo, string photoName,
            FacePreprocessing preprocessing) => _input.Value.Prepare(photo, photoName, preprocessing);
    }
}
