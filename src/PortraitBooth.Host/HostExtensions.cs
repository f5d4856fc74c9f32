using System.Security.Cryptography;
using MassTransit;
using Microsoft.Extensions.Options;
using PortraitBooth.Abstractions.Events;
using PortraitBooth.Api;
using PortraitBooth.Grains;
using PortraitBooth.Inference.Packs;
using PortraitBooth.Worker;

namespace PortraitBooth.Host;

public static class HostExtensions
{
    /// <summary>
    /// Embedded mode: an Orleans silo with localhost clustering and in-memory grain storage "portraitbooth" (all grain
    /// state is lost on restart), the API, and the worker consuming jobs from MassTransit's in-memory transport.
    /// Settings come from the <c>PortraitBooth</c> section (appsettings.json, environment, command line).
    /// </summary>
    public static WebApplicationBuilder AddPortraitBoothHost(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(PortraitBoothApiOptions.Section);
        var generatedAdminKey = string.IsNullOrEmpty(section["AdminKey"]);
        if (generatedAdminKey) section["AdminKey"] = "adm_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

        var host = section.Get<PortraitBoothHostOptions>() ?? new PortraitBoothHostOptions();
        builder.Services.AddOptions<PortraitBoothHostOptions>().Bind(section).Configure(o => o.GeneratedAdminKey = generatedAdminKey);

        builder.UseOrleans(silo => silo
            .UseLocalhostClustering(host.Silo.Port, host.Silo.GatewayPort, serviceId: host.Silo.ServiceId, clusterId: host.Silo.ClusterId)
            .AddMemoryGrainStorage(GrainStorage.Name));

        builder.Services.AddPortraitBoothApi(builder.Configuration);
        builder.Services.AddSingleton<IModelLocator, FirstUseModelLocator>();

        // One pack registry and one pair of stores serve the API and the worker alike.
        builder.Services.AddPortraitBoothWorker(worker => section.Bind(worker));
        // Grains, worker and API share one process here, so job events travel through in-process channels.
        builder.Services.AddSingleton<IJobEvents, InProcessJobEvents>(_ => new InProcessJobEvents());
        builder.Services.AddMassTransitJobDispatcher();
        builder.Services.AddMassTransit(bus =>
        {
            if (host.EmbeddedWorker) bus.AddPortraitBoothConsumers();
            bus.UsingInMemory((context, transport) => transport.ConfigureEndpoints(context));
        });

        builder.Services.AddSingleton<BootstrapTenant>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<BootstrapTenant>());
        return builder;
    }
}
