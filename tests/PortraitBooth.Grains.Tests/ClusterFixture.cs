using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Orleans.TestingHost;
using PortraitBooth.Abstractions;
using PortraitBooth.Abstractions.Events;
using PortraitBooth.Grains;

[assembly: AssemblyFixture(typeof(PortraitBooth.Grains.Tests.ClusterFixture))]

namespace PortraitBooth.Grains.Tests;

/// <summary>One two-silo in-process cluster for the whole run; tests keep apart by using their own tenant ids.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public TestCluster Cluster { get; } = new TestClusterBuilder(2).AddSiloBuilderConfigurator<SiloConfigurator>().Build();

    public IGrainFactory Grains => Cluster.Client;
    public RecordingDispatcher Dispatcher => RecordingDispatcher.Instance;
    /// <summary>The job events of both silos and the test worker (the silos run in this process).</summary>
    public static InProcessJobEvents Events { get; } = new();

    public async ValueTask InitializeAsync() => await Cluster.DeployAsync();

    public async ValueTask DisposeAsync() => await Cluster.DisposeAsync();

    /// <summary>A fresh tenant with the given quotas; returns its id and first key.</summary>
    public async Task<(string TenantId, IssuedKey Key)> NewTenant(TenantQuotas? quotas = null)
    {
        var tenantId = $"t{Guid.NewGuid():N}"[..13];
        var key = await Grains.GetGrain<ITenantGrain>(tenantId).Create("test tenant", quotas ?? new TenantQuotas());
        return (tenantId, key);
    }

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        private const string MemoryStorage = "memory";

        public void Configure(ISiloBuilder silo)
        {
            silo.AddMemoryGrainStorage(MemoryStorage);
            silo.Services.AddKeyedSingleton<IGrainStorage>(GrainStorage.Name,
                (services, _) => new FaultInjectingStorage(services.GetRequiredKeyedService<IGrainStorage>(MemoryStorage)));
            silo.Services.AddSingleton(TimeProvider.System);
            // Both silos share one recorder: the test sees every dispatch, whichever silo hosts the grain.
            silo.Services.AddSingleton<IJobDispatcher>(RecordingDispatcher.Instance);
            silo.Services.AddSingleton<IJobEvents>(Events);
        }
    }
}
