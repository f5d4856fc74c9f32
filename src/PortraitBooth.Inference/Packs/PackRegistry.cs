using System.Collections.Concurrent;
using PortraitBooth.Inference.Execution;
using PortraitBooth.Inference.Faces;
using PortraitBooth.Inference.Sampling;

namespace PortraitBooth.Inference.Packs;

/// <summary>
/// The installed packs of <see cref="PackSettings"/>, for the API and the worker alike. Each pack is located (by
/// <paramref name="locator"/>, which may create it) and read on first use, once; the face networks are opened once,
/// on first need, and shared by every pack. Every session runs as <paramref name="execution"/> says.
/// </summary>
public sealed class PackRegistry(PackSettings settings, IModelLocator locator, ExecutionPlan execution) : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<InstalledPack>> _packs = new(StringComparer.Ordinal);
    private readonly Lazy<FaceModels> _faceModels = new(() => FaceModels.Open(locator.FaceModelsDirectory(settings.FaceModels), execution));

    public IReadOnlyList<string> Names => settings.Packs.Keys.Order(StringComparer.Ordinal).ToList();

    public string DefaultPack => settings.DefaultPack;

    /// <summary>The deployment's sampling limits: every pack's pipeline samples with them and the API checks against them.</summary>
    public SamplingLimits SamplingLimits => settings.SamplingLimits;

    public InstalledPack Default => Get(DefaultPack);

    /// <summary>Where this process's sessions run.</summary>
    public ExecutionPlan Execution => execution;

    /// <summary>The face networks that find and align faces (uploads, and packs whose encoder needs aligned faces).</summary>
    public FaceModels FaceModels => _faceModels.Value;

    /// <exception cref="UnknownPackException">The name is not installed.</exception>
    public InstalledPack Get(string name)
    {
        if (!settings.Packs.TryGetValue(name, out var configured))
            throw new UnknownPackException($"pack '{name}' is not installed; installed packs: {string.Join(", ", Names)}");
        return _packs.GetOrAdd(name, n => new Lazy<InstalledPack>(
            () => new InstalledPack(n, locator.PackDirectory(n, configured), new LazyAlignedFaceInput(_faceModels), settings.SamplingLimits, execution))).Value;
    }

    public void Dispose()
    {
        foreach (var pack in _packs.Values.Where(p => p.IsValueCreated)) pack.Value.Dispose();
        if (_faceModels.IsValueCreated) _faceModels.Value.Dispose();
    }
}
