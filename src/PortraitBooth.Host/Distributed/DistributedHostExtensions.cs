using System.Net;
using MassTransit;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Orleans.Configuration;
using Orleans.Dashboard;
using Orleans.Storage;
using PortraitBooth.Abstractions.Events;
using PortraitBooth.Abstractions.Messages;
using PortraitBooth.Api.Infrastructure;
using PortraitBooth.Grains;
using PortraitBooth.Abstractions.Storage;
using StackExchange.Redis;

namespace PortraitBooth.Host.Distributed;

public static class DistributedHostExtensions
{
    /// <summary>
    /// The distributed shape's silo and stores: Redis clustering and grain storage "portraitbooth", photos and
    /// results in Redis, the data-protection key ring (dashboard cookies) in Redis, readiness checks for Redis and
    /// the broker; gpu-only silos host no grain classes.
    /// </summary>
    public static WebApplicationBuilder AddDistributedSilo(this WebApplicationBuilder builder, PortraitBoothHostOptions host)
    {
        var settings = host.Distributed;
        if (settings.Redis is not { Length: > 0 }) throw new InvalidOperationException("PortraitBooth:Distributed:Redis is required in distributed mode");
        if (settings.RabbitMq is not { Length: > 0 }) throw new InvalidOperationException("PortraitBooth:Distributed:RabbitMq is required in distributed mode");
        if (settings.Roles == SiloRoles.None) throw new InvalidOperationException("PortraitBooth:Distributed:Roles names no role (api, gpu or both)");

        builder.Services.AddOptions<DistributedSettings>().Bind(builder.Configuration.GetSection("PortraitBooth:Distributed"));
        builder.Services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(RedisOptions(settings.Redis)));
        builder.Services.AddSingleton<IResultStore>(sp => new RedisResultStore(sp.GetRequiredService<IConnectionMultiplexer>(), settings.KeyPrefix));
        builder.Services.AddSingleton<IBlobStore>(sp => new RedisBlobStore(sp.GetRequiredService<IConnectionMultiplexer>(), settings.KeyPrefix));
        builder.Services.AddSingleton<IJobEvents>(sp => new RedisJobEvents(sp.GetRequiredService<IConnectionMultiplexer>(), settings.KeyPrefix,
            sp.GetRequiredService<ILogger<RedisJobEvents>>()));
        builder.Services.AddDataProtection().SetApplicationName("PortraitBooth");
        builder.Services.AddOptions<KeyManagementOptions>().Configure<IConnectionMultiplexer>((o, redis) =>
            o.XmlRepository = new RedisKeyRing(redis, settings.KeyPrefix));
        builder.Services.AddSingleton<IJobErrorQueue>(new RabbitMqJobErrorQueue(settings));
        builder.Services.AddHealthChecks()
            .AddCheck<RedisReadinessCheck>("redis", tags: [ReadinessCheck.Tag])
            .AddCheck<BrokerReadinessCheck>("rabbitmq", tags: [ReadinessCheck.Tag]);

        builder.UseOrleans(silo =>
        {
            var address = settings.AdvertisedAddress is { Length: > 0 } advertised ? IPAddress.Parse(advertised) : IPAddress.Loopback;
            silo.UseRedisClustering(o => o.ConfigurationOptions = RedisOptions(settings.Redis))
                .Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (host.Silo.ClusterId, host.Silo.ServiceId))
                .ConfigureEndpoints(address, host.Silo.Port, host.Silo.GatewayPort, listenOnAnyHostAddress: settings.AdvertisedAddress is { Length: > 0 })
                .AddRedisGrainStorage(GrainStorage.Name, options => options.Configure<Orleans.Serialization.Serializer>((o, serializer) =>
                {
                    o.ConfigurationOptions = RedisOptions(settings.Redis);
                    // Orleans' own serializer: the state types are [GenerateSerializer] records with lists.
                    o.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer);
                }));
            silo.AddActivityPropagation();
            // Every silo reports to the Orleans Dashboard; the api silos serve it under /admin/orleans.
            silo.AddDashboard();
            if (settings.FastFailureDetection) silo.Configure<ClusterMembershipOptions>(FastFailureDetection);
            if (!settings.IsApi) silo.Services.PostConfigure<GrainTypeOptions>(GrainlessSilo.RemovePortraitBoothGrains);
        });

        // MassTransit retries the broker forever: bound the start so a missing broker fails the host visibly.
        builder.Services.Configure<MassTransitHostOptions>(o =>
        {
            o.WaitUntilStarted = true;
            o.StartTimeout = settings.BrokerStartTimeout;
            o.StopTimeout = TimeSpan.FromSeconds(10);
        });
        return builder;
    }

    /// <summary>RabbitMQ: durable queue (MassTransit's default), persistent messages, publisher confirms.</summary>
    public static void UseRabbitMq(this IBusRegistrationConfigurator bus, DistributedSettings settings) =>
        bus.UsingRabbitMq((context, rabbit) =>
        {
            rabbit.Host(new Uri(settings.RabbitMq), h =>
            {
                h.PublisherConfirmation = true;
                h.Heartbeat(TimeSpan.FromSeconds(10));
            });
            rabbit.Durable = true;
            rabbit.ConfigureSend(send => send.UseSendExecute(message => message.Durable = true));
            rabbit.ConfigureEndpoints(context);
        });

    private static ConfigurationOptions RedisOptions(string configuration)
    {
        var options = ConfigurationOptions.Parse(configuration);
        options.AbortOnConnectFail = false; // keep reconnecting (Redis restarts) instead of failing the process
        return options;
    }

    /// <summary>A killed silo is declared dead in seconds: probes every second, two missed probes, one vote.</summary>
    private static void FastFailureDetection(ClusterMembershipOptions o)
    {
        o.ProbeTimeout = TimeSpan.FromSeconds(1);
        o.NumMissedProbesLimit = 2;
        o.NumVotesForDeathDeclaration = 1;
        o.TableRefreshTimeout = TimeSpan.FromSeconds(2);
        o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(5);
        o.DeathVoteExpirationTimeout = TimeSpan.FromSeconds(10);
    }
}
