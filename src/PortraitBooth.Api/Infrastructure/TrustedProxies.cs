using System.Net;
using IPNetwork = System.Net.IPNetwork;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace PortraitBooth.Api.Infrastructure;

/// <summary>
/// <c>PortraitBooth:TrustedProxies</c>: the proxies (addresses, or networks as <c>10.0.0.0/8</c>) whose
/// <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> are believed. From any other peer the headers are ignored, so a
/// client cannot choose the address the authentication throttle counts, nor claim HTTPS. Empty (default): none.
/// </summary>
public sealed class TrustedProxyOptions
{
    public List<string> TrustedProxies { get; set; } = [];

    /// <summary>The entries as networks (an address is its own /32 or /128); throws naming the first that is neither.</summary>
    public IReadOnlyList<IPNetwork> Networks() => TrustedProxies.Select(entry =>
        IPNetwork.TryParse(entry, out var network) ? network
        : IPAddress.TryParse(entry, out var address) ? new IPNetwork(address, address.GetAddressBytes().Length * 8)
        : throw new OptionsValidationException(nameof(TrustedProxies), typeof(TrustedProxyOptions),
            [$"{PortraitBoothApiOptions.Section}:TrustedProxies: '{entry}' is neither an IP address nor a network such as 10.0.0.0/8"])).ToList();

    public sealed class Validator : IValidateOptions<TrustedProxyOptions>
    {
        public ValidateOptionsResult Validate(string? name, TrustedProxyOptions options)
        {
            try { options.Networks(); return ValidateOptionsResult.Success; }
            catch (OptionsValidationException e) { return ValidateOptionsResult.Fail(e.Failures); }
        }
    }
}

public static class TrustedProxyExtensions
{
    public static IServiceCollection AddTrustedProxies(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<TrustedProxyOptions>().Bind(configuration.GetSection(PortraitBoothApiOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TrustedProxyOptions>, TrustedProxyOptions.Validator>();
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<TrustedProxyOptions>>((forwarded, trusted) =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear(); // not even loopback by default: only what the operator names
            foreach (var network in trusted.Value.Networks()) forwarded.KnownIPNetworks.Add(network);
        });
        return services;
    }

    /// <summary>First in the pipeline, so that everything after it sees the client's address and scheme.</summary>
    public static WebApplication UseTrustedProxies(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<TrustedProxyOptions>>().Value.TrustedProxies.Count > 0) app.UseForwardedHeaders();
        return app;
    }
}
