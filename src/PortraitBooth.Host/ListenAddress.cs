namespace PortraitBooth.Host;

/// <summary>
/// Where Kestrel listens: wherever the standard ASP.NET Core settings say (<c>ASPNETCORE_URLS</c>, <c>DOTNET_URLS</c>,
/// <c>--urls</c>, <c>Urls</c> in any configuration source, <c>ASPNETCORE_HTTP_PORTS</c>/<c>HTTPS_PORTS</c>,
/// <c>Kestrel:Endpoints</c>), and only when none of them is set, <see cref="Default"/> on loopback. The default is
/// applied in code, not in <c>appsettings.json</c>, because a <c>Urls</c> key there would win over the environment.
/// </summary>
public static class ListenAddress
{
    public const string Default = "http://127.0.0.1:5080";

    /// <summary>The configuration keys ASP.NET Core reads an address from (environment prefixes already stripped).</summary>
    private static readonly string[] AddressKeys = ["urls", "http_ports", "https_ports"];

    public static bool IsConfigured(IConfiguration configuration) =>
        AddressKeys.Any(key => !string.IsNullOrWhiteSpace(configuration[key]))
        || configuration.GetSection("Kestrel:Endpoints").GetChildren().Any();

    public static WebApplicationBuilder UseDefaultUnlessConfigured(this WebApplicationBuilder builder)
    {
        if (!IsConfigured(builder.Configuration)) builder.WebHost.UseUrls(Default);
        return builder;
    }
}
