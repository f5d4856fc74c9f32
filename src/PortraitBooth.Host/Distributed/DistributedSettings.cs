namespace PortraitBooth.Host.Distributed;

/// <summary>The distributed shape's settings, section <c>PortraitBooth:Distributed</c> (used when Mode is Distributed).</summary>
public sealed class DistributedSettings
{
    /// <summary>StackExchange.Redis configuration string, e.g. <c>127.0.0.1:6379</c>: clustering, grain state, photos, results.</summary>
    public string Redis { get; set; } = "";

    /// <summary>The broker, e.g. <c>amqp://guest:guest@127.0.0.1:5672/</c>.</summary>
    public string RabbitMq { get; set; } = "";

    public SiloRoles Roles { get; set; } = SiloRoles.Api | SiloRoles.Gpu;

    /// <summary>Jobs a gpu silo runs at once; also its prefetch, so the broker keeps the rest for other silos.</summary>
    public int GpuCapacity { get; set; } = 1;

    /// <summary>The address other silos reach this one at; empty means loopback (one machine).</summary>
    public string AdvertisedAddress { get; set; } = "";

    /// <summary>Declare a dead silo dead within seconds (tests) instead of Orleans' production defaults.</summary>
    public bool FastFailureDetection { get; set; }

    /// <summary>How long start-up waits for the broker before the host fails (MassTransit itself would wait forever).</summary>
    public TimeSpan BrokerStartTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Bound of each readiness probe of Redis and the broker.</summary>
    public TimeSpan ReadinessTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Prefix of every key this deployment writes to Redis besides Orleans' own.</summary>
    public string KeyPrefix { get; set; } = "pb:";

    public bool IsApi => Roles.HasFlag(SiloRoles.Api);
    public bool IsGpu => Roles.HasFlag(SiloRoles.Gpu);
}
