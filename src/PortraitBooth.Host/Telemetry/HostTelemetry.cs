using Orleans.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using PortraitBooth.Abstractions.Telemetry;
using PortraitBooth.Inference.Diagnostics;

namespace PortraitBooth.Host.Telemetry;

/// <summary>
/// OpenTelemetry for every role: the platform's and the pipeline's meters plus ASP.NET Core's, exported on a
/// Prometheus scrape endpoint and/or over OTLP; traces (ASP.NET Core, Orleans grain calls and storage, MassTransit,
/// the worker and the pipeline) over OTLP. One trace follows a job because each hop carries the context: Orleans'
/// activity propagation through grain calls and MassTransit's headers through the queue.
/// </summary>
public static class HostTelemetry
{
    public const string ServiceName = "portraitbooth";
    public const string MetricsPath = "/metrics";

    /// <summary>Orleans' runtime source (membership, directory) is left out: chatter unrelated to any request.</summary>
    public static readonly string[] TraceSources =
    [
        PlatformTracing.SourceName, InferenceTelemetry.SourceName, "MassTransit",
        ActivitySources.ApplicationGrainActivitySourceName, ActivitySources.StorageActivitySourceName,
    ];

    /// <summary>
    /// The platform's and the pipeline's meters, MassTransit's (messages sent, received, consumed) and the runtime's
    /// (CPU time, GC, JIT, thread pool).
    /// </summary>
    public static readonly string[] Meters = [PlatformMetrics.MeterName, InferenceTelemetry.SourceName, "MassTransit", "System.Runtime"];

    /// <param name="instance">This process in the resource (<c>service.instance.id</c>), e.g. machine and silo port.</param>
    public static WebApplicationBuilder AddPortraitBoothTelemetry(this WebApplicationBuilder builder, TelemetrySettings settings, string instance)
    {
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(ServiceName, serviceInstanceId: instance));
        // What to collect is configured always; a provider is built only where something exports it (below, or a
        // test's in-memory exporter), so a host without an exporter creates no spans at all.
        builder.Services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddMeter(Meters).AddAspNetCoreInstrumentation());
        builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddSource(TraceSources)
            .AddAspNetCoreInstrumentation(o => o.Filter = context => !IsScrapeOrProbe(context.Request.Path)));

        if (settings.Prometheus) telemetry.WithMetrics(metrics => metrics.AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = settings.PrometheusCacheMilliseconds));
        if (settings.Otlp.Endpoint is { Length: > 0 } endpoint)
            telemetry.WithMetrics().WithTracing().UseOtlpExporter(settings.Otlp.Protocol, new Uri(endpoint));
        return builder;
    }

    /// <summary><see cref="MetricsPath"/> when Prometheus is on, for the scrapers <see cref="MetricsAccess"/> lets in.</summary>
    public static WebApplication MapPortraitBoothMetrics(this WebApplication app, TelemetrySettings settings)
    {
        if (!settings.Prometheus) return app;
        app.UseMetricsAccess(settings);
        app.MapPrometheusScrapingEndpoint(MetricsPath);
        return app;
    }

    private static bool IsScrapeOrProbe(PathString path) => path.StartsWithSegments(MetricsPath) || path.StartsWithSegments("/health");
}
