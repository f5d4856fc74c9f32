using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace PortraitBooth.Host.Telemetry;

/// <summary>
/// Who may scrape <see cref="HostTelemetry.MetricsPath"/>: its labels name tenants, so not everyone. With
/// <see cref="TelemetrySettings.MetricsKey"/> set, every scrape sends it as a bearer token (Prometheus:
/// <c>authorization: {credentials: …}</c>); without one, only this machine's own loopback clients are answered.
/// </summary>
internal static class MetricsAccess
{
    public static void UseMetricsAccess(this IApplicationBuilder app, TelemetrySettings settings) =>
        app.UseWhen(context => context.Request.Path.StartsWithSegments(HostTelemetry.MetricsPath), branch => branch.Use(async (context, next) =>
        {
            if (Refusal(context, settings.MetricsKey) is { } refusal)
            {
                if (refusal.Status == StatusCodes.Status401Unauthorized) context.Response.Headers.WWWAuthenticate = "Bearer";
                await Results.Problem(refusal.Detail, statusCode: refusal.Status).ExecuteAsync(context);
                return;
            }
            await next(context);
        }));

    private static (int Status, string Detail)? Refusal(HttpContext context, string key)
    {
        if (key.Length == 0)
            return context.Connection.RemoteIpAddress is { } remote && IPAddress.IsLoopback(remote) ? null
                : (StatusCodes.Status403Forbidden, "metrics are served to this machine's own clients only; set PortraitBooth:Telemetry:MetricsKey to scrape from elsewhere");
        var header = context.Request.Headers.Authorization.ToString();
        var given = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : "";
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(key)) ? null
            : (StatusCodes.Status401Unauthorized, "the metrics key (Authorization: Bearer <PortraitBooth:Telemetry:MetricsKey>) is required");
    }
}
