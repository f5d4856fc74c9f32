using PortraitBooth.Host.Distributed;
using PortraitBooth.Host.Telemetry;

namespace PortraitBooth.Host;

/// <summary>The host's own settings, beside the API's, in the <c>PortraitBooth</c> section.</summary>
public sealed class PortraitBoothHostOptions
{
    /// <summary>Embedded (default: one process, no services) or Distributed (settings in <see cref="Distributed"/>).</summary>
    public HostMode Mode { get; set; } = HostMode.Embedded;

    public DistributedSettings Distributed { get; set; } = new();

    /// <summary>How long generated images are kept (the worker's result TTL).</summary>
    public TimeSpan ResultTtl { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Bound of the in-memory result store, in bytes.</summary>
    public long MaxResultBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Run the worker in this process (embedded mode).</summary>
    public bool EmbeddedWorker { get; set; } = true;

    /// <summary>Create tenant "default" if absent and print a fresh key for it at start-up.</summary>
    public bool BootstrapTenant { get; set; } = true;

    public SiloSettings Silo { get; set; } = new();

    public TelemetrySettings Telemetry { get; set; } = new();

    /// <summary>Set by the host when no admin key was configured and it made one for this run (then printed at start-up).</summary>
    public bool GeneratedAdminKey { get; set; }
}

/// <summary>The silo's ports (change them to run two hosts on one machine) and cluster names.</summary>
public sealed class SiloSettings
{
    public int Port { get; set; } = 11111;
    public int GatewayPort { get; set; } = 30000;
    public string ClusterId { get; set; } = "portraitbooth";
    public string ServiceId { get; set; } = "portraitbooth";
}
