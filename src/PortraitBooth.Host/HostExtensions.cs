using System.Security.Cryptography;
using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Dashboard;
using PortraitBooth.Abstractions.Events;
using PortraitBooth.Api;
using PortraitBooth.Grains;
using PortraitBooth.Host.Distributed;
using PortraitBooth.Host.Telemetry;
using PortraitBooth.Inference.Packs;
using PortraitBooth.Worker;
using PortraitBooth.Worker.Messaging;

namespace PortraitBooth.Host;

public static class HostExtensions
{
    /// <summary>
    /// Embedded mode (default): an Orleans silo with localhost clustering and in-memory grain storage "portraitbooth"
    /// (all grain state is lost on restart), the API, and the worker consuming jobs from MassTransit's in-memory
    /// transport. Distributed mode (<c>Mode=Distributed</c>): Redis clustering, grain state, photos and results,
    /// RabbitMQ for jobs, and the silo's roles decide whether it serves the API and grains, runs jobs, or both.
    /// Settings come from the <c>PortraitBooth</c> section (appsettings.json, environment, command line).
    /// </summary>
    public static WebApplicationBuilder AddPortraitBoothHost(this WebApplicationBuilder builder)
    {
        builder.UseDefaultUnlessConfigured();
        var section = builder.Configuration.GetSection(PortraitBoothApiOptions.Section);
        var generatedAdminKey = string.IsNullOrEmpty(section["AdminKey"]);
        if (generatedAdminKey) section["AdminKey"] = "adm_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

        var host = section.Get<PortraitBoothHostOptions>() ?? new PortraitBoothHostOptions();
        builder.Services.AddOptions<PortraitBoothHostOptions>().Bind(section).Configure(o => o.GeneratedAdminKey = generatedAdminKey);

        builder.Services.TryAddSingleton(TimeProvider.System); // the clock of the grains (rate windows, usage days) and services
        var distributed = host.Mode == HostMode.Distributed;
        if (distributed)
            builder.AddDistributedSilo(host);
        else
            builder.UseOrleans(silo => silo
                .UseLocalhostClustering(host.Silo.Port, host.Silo.GatewayPort, serviceId: host.Silo.ServiceId, clusterId: host.Silo.ClusterId)
                .AddMemoryGrainStorage(GrainStorage.Name)
                .AddActivityPropagation()
                .AddDashboard()); // the Orleans Dashboard's grains and counters; the API maps it under /admin/orleans

        builder.Services.AddPortraitBoothApi(builder.Configuration);
        builder.Services.AddPortraitBoothInference(builder.Configuration);

        // One pack registry and one pair of stores serve the API and the worker alike.
        // This process in metrics and traces: silos on one machine differ by port.
        var instance = $"{Environment.MachineName}:{host.Silo.Port}";
        builder.AddPortraitBoothTelemetry(host.Telemetry, instance);
        builder.Services.AddPortraitBoothWorker(worker => section.Bind(worker));
        // Embedded: grains, worker and API share one process, so job events travel through in-process channels.
        // Distributed: Redis pub/sub (AddDistributedSilo), so any api silo streams the steps of any gpu silo.
        if (!distributed) builder.Services.AddSingleton<IJobEvents, InProcessJobEvents>(_ => new InProcessJobEvents());
        builder.Services.AddMassTransitJobDispatcher();
        var queueSection = section.GetSection("JobQueue");
        builder.Services.AddOptions<JobQueueOptions>().Bind(queueSection).Configure(queue =>
        {
            // A gpu silo takes no more jobs off the broker than it runs, so the rest wait for other silos.
            if (distributed && queueSection["Capacity"] is null) queue.Capacity = host.Distributed.GpuCapacity;
        });
        builder.Services.AddMassTransit(bus =>
        {
            if (distributed ? host.Distributed.IsGpu : host.EmbeddedWorker) bus.AddPortraitBoothConsumers();
            if (distributed) bus.UseRabbitMq(host.Distributed);
            else bus.UsingInMemory((context, transport) => transport.ConfigureEndpoints(context));
        });

        if (!distributed || host.Distributed.IsApi)
        {
            builder.Services.AddSingleton<BootstrapTenant>();
            builder.Services.AddHostedService(sp => sp.GetRequiredService<BootstrapTenant>());
        }
        return builder;
    }
}
