using PortraitBooth.Api;

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
        app.MapPortraitBoothApi();
        return app;
    }
}
