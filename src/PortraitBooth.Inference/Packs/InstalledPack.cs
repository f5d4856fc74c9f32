using PortraitBooth.Inference.Execution;
using PortraitBooth.Inference.Faces;
using PortraitBooth.Inference.Sampling;
using PortraitBooth.Inference.Text;

namespace PortraitBooth.Inference.Packs;

/// <summary>
/// One installed pack: its manifest and cache ids at once (cheap), the tokenizer, the verified ONNX sessions, the
/// pipeline and the face embedder each on first use (costly, thread-safe, shared by every request and job).
/// </summary>
public sealed class InstalledPack : IDisposable
{
    private readonly Lazy<ClipTokenizer> _tokenizer;
    private readonly Lazy<ModelPack> _models;
    private readonly Lazy<PortraitPipeline> _pipeline;
    private readonly Lazy<FaceEmbedder> _embedder;

    public InstalledPack(string name, string directory, IFaceInput faceInput, SamplingLimits? limits = null, ExecutionPlan? execution = null)
    {
        Name = name;
        Directory = Path.GetFullPath(directory);
        Manifest = ModelPack.ReadManifest(Directory);
        FaceEncoderId = PackIdentity.FaceEncoderId(name, Manifest);
        FusionId = PackIdentity.FusionId(name, Manifest);
        _tokenizer = new(() => PackTokenizer.Create(Directory, Manifest));
        _models = new(() => ModelPack.Open(Directory, execution));
        _pipeline = new(() => new PortraitPipeline(Models, Tokenizer, limits));
        _embedder = new(() => new FaceEmbedder(Models, faceInput));
    }

    public string Name { get; }
    public string Directory { get; }
    public PackManifest Manifest { get; }
    /// <inheritdoc cref="PackIdentity.FaceEncoderId"/>
    public string FaceEncoderId { get; }
    /// <inheritdoc cref="PackIdentity.FusionId"/>
    public string FusionId { get; }
    public ClipTokenizer Tokenizer => _tokenizer.Value;
    /// <summary>The verified pack with its sessions.</summary>
    public ModelPack Models => _models.Value;
    public PortraitPipeline Pipeline => _pipeline.Value;
    /// <summary>φ of a photo, aligning it with the shared face networks when the pack needs that.</summary>
    public FaceEmbedder Embedder => _embedder.Value;

    public void Dispose()
    {
        if (_models.IsValueCreated) _models.Value.Dispose();
    }
}
