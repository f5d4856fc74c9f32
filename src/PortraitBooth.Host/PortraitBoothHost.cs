using PortraitBooth.Api;
using PortraitBooth.Api.Infrastructure;
using PortraitBooth.Host.Telemetry;

namespace PortraitBooth.Host;

/// <summary>Builds the whole host; <c>Program.cs</c> runs it and the API tests start it on a loopback port.</summary>
public static class PortraitBoothHost
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddPortraitBoothHost();
        configure?.Invoke(builder);
        var app = builder.Build();
        app.UseTrustedProxies();
        app.UsePortraitBoothSecurityHeaders();
        var options = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<PortraitBoothHostOptions>>().Value;
        if (options.Mode == Distributed.HostMode.Distributed && !options.Distributed.IsApi)
            app.MapPortraitBoothHealth(); // a gpu-only silo serves no API, only its probes
        else
            app.MapPortraitBoothApi();
        app.MapPortraitBoothMetrics(options.Telemetry); // every role: a gpu silo's metrics are its own
        return app;
    }
}
