using PortraitBooth.Inference.Faces;
using PortraitBooth.Inference.Packs;
using PortraitBooth.Inference.Sampling;

namespace PortraitBooth.Worker.Packs;

/// <summary>An opened pack with its pipeline and face embedder, created once per worker and shared by all jobs.</summary>
/// <param name="FaceEncoderId">Names φ's source: a φ cached under this id is valid for this pack.</param>
/// <param name="FusionId">Names the text encoder + fuse module: a fused token cached under this id is valid for this pack.</param>
public sealed record LoadedPack(string Name, ModelPack Pack, PortraitPipeline Pipeline, FaceEmbedder Embedder, string FaceEncoderId, string FusionId)
{
    public static LoadedPack Create(string name, ModelPack pack, IFaceInput faceInput)
    {
        string HashOf(string model) =>
            pack.Manifest.Files.TryGetValue(pack.Spec(model).Path, out var sha) ? sha : pack.Manifest.Version;
        return new LoadedPack(name, pack, new PortraitPipeline(pack, PackTokenizer.Create(pack)), new FaceEmbedder(pack, faceInput),
            $"{name}:{HashOf(PackModels.FaceEncoder)}",
            $"{name}:{HashOf(PackModels.TextEncoder)}:{HashOf(PackModels.Stea)}");
    }
}
