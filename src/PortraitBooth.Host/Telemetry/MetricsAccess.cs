using System.Net;
using System.Security.Cryptography;
using System.Text;
using PortraitBooth.Api.Infrastructure;

namespace PortraitBooth.Host.Telemetry;

/// <summary>
/// Who may scrape <see cref="HostTelemetry.MetricsPath"/>: its labels name tenants, so not everyone. With
/// <see cref="TelemetrySettings.MetricsKey"/> set, every scrape sends it as a bearer token (Prometheus:
/// <c>authorization: {credentials: …}</c>); without one, only this machine's own loopback clients are answered.
/// Wrong keys count towards the <see cref="AuthenticationThrottle"/> where the process serves the API (a gpu-only
/// silo has none: keep its port private).
/// </summary>
internal static class MetricsAccess
{
    private const string ThrottledAs = "metrics";

    public static void UseMetricsAccess(this IApplicationBuilder app, TelemetrySettings settings) =>
        app.UseWhen(context => context.Request.Path.StartsWithSegments(HostTelemetry.MetricsPath), branch => branch.Use(async (context, next) =>
        {
            try
            {
                await Admit(context, settings.MetricsKey);
            }
            catch (ApiException refused)
            {
                foreach (var (name, value) in refused.Headers) context.Response.Headers[name] = value;
                await Results.Problem(refused.Message, statusCode: refused.Status, title: refused.Title).ExecuteAsync(context);
                return;
            }
            await next(context);
        }));

    private static async ValueTask Admit(HttpContext context, string key)
    {
        if (key.Length == 0)
        {
            if (context.Connection.RemoteIpAddress is { } remote && IPAddress.IsLoopback(remote)) return;
            throw new ApiException(StatusCodes.Status403Forbidden, "Forbidden",
                "metrics are served to this machine's own clients only; set PortraitBooth:Telemetry:MetricsKey to scrape from elsewhere");
        }
        var throttle = context.RequestServices.GetService<AuthenticationThrottle>();
        if (throttle is not null) await throttle.Check(context, ThrottledAs);
        var header = context.Request.Headers.Authorization.ToString();
        var given = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : "";
        if (CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(key))) return;
        if (throttle is not null && given.Length > 0) await throttle.Failed(context, ThrottledAs); // no key at all is no guess
        throw new ApiException(StatusCodes.Status401Unauthorized, "Unauthorized",
            "the metrics key (Authorization: Bearer <PortraitBooth:Telemetry:MetricsKey>) is required",
            new Dictionary<string, string> { ["WWW-Authenticate"] = "Bearer" });
    }
}
