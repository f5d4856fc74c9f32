using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace PortraitBooth.Api.Infrastructure;

/// <summary>The body of <c>/health/ready</c>: overall status and each check's, so an operator sees which dependency is down.</summary>
public static class ReadinessReport
{
    public static Task Write(HttpContext http, HealthReport report)
    {
        http.Response.ContentType = "application/json";
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description }),
        };
        return http.Response.WriteAsync(JsonSerializer.Serialize(body));
    }
}
