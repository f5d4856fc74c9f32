using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using PortraitBooth.Abstractions;
using PortraitBooth.Abstractions.Storage;
using PortraitBooth.Inference.Packs;
using PortraitBooth.Worker.Messaging;
using PortraitBooth.Worker.Running;
using PortraitBooth.Worker.Storage;

namespace PortraitBooth.Worker;

public static class WorkerServiceCollectionExtensions
{
    /// <summary>
    /// The job runner and, unless registered before, in-memory photo and result stores. Needs an
    /// <see cref="IGrainFactory"/> (a silo or a cluster client) and a <see cref="PackRegistry"/> (the host registers it). Add the consumer with <see cref="AddPortraitBoothConsumers"/>.
    /// </summary>
    public static IServiceCollection AddPortraitBoothWorker(this IServiceCollection services, Action<PortraitWorkerOptions> configure)
    {
        services.Configure(configure);
        services.TryAddSingleton<IBlobStore, MemoryBlobStore>();
        services.TryAddSingleton<IResultStore>(sp => new MemoryResultStore(sp.GetRequiredService<IOptions<PortraitWorkerOptions>>().Value.MaxResultBytes));
        services.TryAddSingleton<PortraitJobRunner>();
        return services;
    }

    /// <summary>Lets grains dispatch jobs over the MassTransit bus (every silo that hosts grains needs it).</summary>
    public static IServiceCollection AddMassTransitJobDispatcher(this IServiceCollection services)
    {
        services.TryAddSingleton<IJobDispatcher, MassTransitJobDispatcher>();
        return services;
    }

    /// <summary>The job consumer, and this process's heartbeats (capacity, jobs in flight and done) to the operations view.</summary>
    public static IBusRegistrationConfigurator AddPortraitBoothConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<GeneratePortraitConsumer, GeneratePortraitConsumerDefinition>();
        bus.TryAddSingleton(TimeProvider.System);
        bus.TryAddSingleton<WorkerActivity>();
        bus.AddHostedService<WorkerHeartbeats>();
        return bus;
    }
}
