using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PortraitBooth.Testing;

namespace PortraitBooth.Api.Tests;

/// <summary>
/// The real host with the telemetry switches turned: Prometheus off, OTLP over HTTP to a collector on loopback that
/// keeps what it is sent (one export every half second, so the test need not wait the default minute).
/// </summary>
public sealed class OtlpHostFixture(GeneratedPacks packs, ConvertedFaceModels faceModels) : HostFixture(packs, faceModels)
{
    private WebApplication? _collector;
    private string _collectorAddress = "";
    private readonly ConcurrentQueue<(string Path, byte[] Body)> _exports = new();

    /// <summary>Every export request the collector received: its path (<c>/v1/metrics</c>, <c>/v1/traces</c>, <c>/v1/logs</c>) and protobuf body.</summary>
    public IReadOnlyCollection<(string Path, byte[] Body)> Exports => _exports;

    protected override IEnumerable<string> Settings =>
    [
        "--PortraitBooth:Telemetry:Prometheus=false",
        $"--PortraitBooth:Telemetry:Otlp:Endpoint={_collectorAddress}",
        "--PortraitBooth:Telemetry:Otlp:Protocol=HttpProtobuf",
        "--OTEL_METRIC_EXPORT_INTERVAL=500",
        "--OTEL_BSP_SCHEDULE_DELAY=500",
    ];

    public override async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _collector = builder.Build();
        _collector.MapPost("/v1/{signal}", async (HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            _exports.Enqueue((request.Path, body.ToArray()));
            return Results.Ok();
        });
        await _collector.StartAsync(TestContext.Current.CancellationToken);
        _collectorAddress = _collector.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        await base.InitializeAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_collector is not null) await _collector.DisposeAsync();
    }
}
