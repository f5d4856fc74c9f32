using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PortraitBooth.Abstractions.Storage;
using PortraitBooth.Inference.Packs;
using PortraitBooth.Testing;
using PortraitBooth.Worker;
using PortraitBooth.Worker.Running;
using PortraitBooth.Worker.Storage;

namespace PortraitBooth.Grains.Tests;

/// <summary>A worker over the test cluster: the real tiny pack, the converted face models, in-memory stores.</summary>
public sealed class WorkerFixture : IDisposable
{
    public WorkerFixture(ClusterFixture cluster, GeneratedPacks packs, ConvertedFaceModels faceModels)
    {
        var options = Options.Create(new PortraitWorkerOptions { ResultTtl = TimeSpan.FromMinutes(10) });
        var installed = new PackSettings { Packs = { ["tiny"] = packs.Tiny.Folder }, DefaultPack = "tiny", FaceModels = faceModels.Directory };
        Packs = new PackRegistry(installed, new ConfiguredModelLocator(), Inference.Execution.ExecutionPlan.Cpu);
        Runner = new PortraitJobRunner(cluster.Grains, Packs, Photos, Results, ClusterFixture.Events, options, TimeProvider.System, NullLogger<PortraitJobRunner>.Instance);
    }

    public PackRegistry Packs { get; }
    public MemoryBlobStore Photos { get; } = new();
    public MemoryResultStore Results { get; } = new(64L * 1024 * 1024);
    public PortraitJobRunner Runner { get; }

    public void Dispose() => Packs.Dispose();
}
