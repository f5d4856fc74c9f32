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

    /// <summary>
    /// What the pages may load: their own script and stylesheet from this host, images and JSON from it, nothing
    /// inline (the scripts set styles through the CSSOM), no plugins, no framing, no other origin to post forms to.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>
    /// The Orleans Dashboard's pages: the same, but its markup carries style attributes, and its stylesheet's icon
    /// fonts and images may be data: URLs. Scripts stay this host's own files.
    /// </summary>
    public const string OrleansDashboardContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
        "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public static IResult Page(HttpContext http, string name, string antiforgeryToken)
    {
        var html = Read(name) ?? throw new InvalidOperationException($"dashboard page '{name}' is not embedded");
        // The page holds a per-session token: never cached.
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
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
