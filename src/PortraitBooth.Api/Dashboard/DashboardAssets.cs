using System.Net;
using System.Reflection;

namespace PortraitBooth.Api.Dashboard;

/// <summary>
/// The dashboard's HTML, CSS and JavaScript, embedded in this assembly (no CDN, no wwwroot to deploy). Pages carry
/// the request's antiforgery token in place of <c>{{antiforgery}}</c>.
/// </summary>
internal static class DashboardAssets
{
    private static readonly Assembly Assembly = typeof(DashboardAssets).Assembly;
    private static readonly Dictionary<string, string> ContentTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        [".css"] = "text/css; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".svg"] = "image/svg+xml",
    };

    public static IResult Page(HttpContext http, string name, string antiforgeryToken)
    {
        var html = Read(name) ?? throw new InvalidOperationException($"dashboard page '{name}' is not embedded");
        // The page holds a per-session token: never cached.
        http.Response.Headers.CacheControl = "no-store";
        return Results.Content(html.Replace("{{antiforgery}}", WebUtility.HtmlEncode(antiforgeryToken)), "text/html; charset=utf-8");
    }

    public static IResult File(string name) =>
        ContentTypes.TryGetValue(Path.GetExtension(name), out var type) && Read(name) is { } text
            ? Results.Text(text, type)
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not Found", detail: $"dashboard asset '{name}' was not found");

    private static string? Read(string name)
    {
        using var stream = Assembly.GetManifestResourceStream("dashboard/" + name);
        if (stream is null) return null;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
