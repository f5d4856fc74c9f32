using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PortraitBooth.Testing;
using PortraitBooth.Worker;
using PortraitBooth.Worker.Packs;
using PortraitBooth.Worker.Running;
using PortraitBooth.Worker.Storage;

namespace PortraitBooth.Grains.Tests;

/// <summary>A worker over the test cluster: the real tiny pack, the converted face models, in-memory stores.</summary>
public sealed class WorkerFixture : IDisposable
{
    public WorkerFixture(ClusterFixture cluster, GeneratedPacks packs, ConvertedFaceModels faceModels)
    {
        var options = Options.Create(new PortraitWorkerOptions
        {
            Packs = { ["tiny"] = packs.Tiny.Folder },
            FaceModelsDirectory = faceModels.Directory,
            ResultTtl = TimeSpan.FromMinutes(10),
        });
        Packs = new PackRegistry(options);
        Runner = new PortraitJobRunner(cluster.Grains, Packs, Photos, Results, options, NullLogger<PortraitJobRunner>.Instance);
    }

    public PackRegistry Packs { get; }
    public MemoryBlobStore Photos { get; } = new();
    public MemoryResultStore Results { get; } = new(64L * 1024 * 1024);
    public PortraitJobRunner Runner { get; }

    public void Dispose() => Packs.Dispose();
}
