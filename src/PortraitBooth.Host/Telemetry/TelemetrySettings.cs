using OpenTelemetry.Exporter;

namespace PortraitBooth.Host.Telemetry;

/// <summary>Section <c>PortraitBooth:Telemetry</c>: where metrics and traces go (docs/observability.md).</summary>
public sealed class TelemetrySettings
{
    /// <summary>Serve the Prometheus scrape endpoint <see cref="HostTelemetry.MetricsPath"/> (default on).</summary>
    public bool Prometheus { get; set; } = true;

    /// <summary>
    /// How long a scrape's answer is served again to later scrapes. 0 (default): every scrape reads the current values,
    /// so a scrape right after a change shows it (the exporter's own default, 300 ms, would not).
    /// </summary>
    public int PrometheusCacheMilliseconds { get; set; }

    /// <summary>
    /// The bearer token a scrape must send. Empty (default): no token, but only loopback clients are answered, so a
    /// container or a remote Prometheus needs one (the metrics' labels name tenants).
    /// </summary>
    public string MetricsKey { get; set; } = "";

    public OtlpSettings Otlp { get; set; } = new();
}

/// <summary>The OTLP exporter of metrics, traces and logs; off while <see cref="Endpoint"/> is empty (the default).</summary>
public sealed class OtlpSettings
{
    /// <summary>The collector, e.g. <c>http://127.0.0.1:4317</c> (gRPC) or <c>http://127.0.0.1:4318</c> (HTTP, signal paths appended).</summary>
    public string Endpoint { get; set; } = "";

    public OtlpExportProtocol Protocol { get; set; } = OtlpExportProtocol.Grpc;
}
