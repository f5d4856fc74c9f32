namespace PortraitBooth.Api.Infrastructure;

/// <summary>
/// Headers every answer carries: <c>X-Content-Type-Options: nosniff</c> (a browser must not read an uploaded photo or a
/// JSON answer as HTML or script), and <c>Cache-Control: no-store</c> unless the endpoint set its own: answers and
/// images belong to a tenant and must not stay in shared or browser caches.
/// </summary>
public sealed class SecurityHeadersMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext http)
    {
        http.Response.OnStarting(static state =>
        {
            var headers = ((HttpResponse)state).Headers;
            headers.XContentTypeOptions = "nosniff";
            if (string.IsNullOrEmpty(headers.CacheControl)) headers.CacheControl = "no-store";
            return Task.CompletedTask;
        }, http.Response);
        return next(http);
    }
}
