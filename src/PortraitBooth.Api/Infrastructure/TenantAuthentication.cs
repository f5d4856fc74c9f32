using PortraitBooth.Abstractions;

namespace PortraitBooth.Api.Infrastructure;

/// <summary>
/// The tenant of a request comes from its API key and nowhere else: <c>Authorization: Bearer pb_…</c> is checked by
/// the tenant's grain. Missing, malformed, unknown or revoked keys answer 401; a suspended tenant answers 403 with
/// the reason; a tenant over its rate limit (every authenticated request counts: <see cref="RequestKind"/>) 429.
/// </summary>
public sealed class TenantKeyFilter(IGrainFactory grains) : IEndpointFilter
{
    private const string TenantItem = "portraitbooth.tenant";

    public static string TenantOf(HttpContext context) =>
        context.Items[TenantItem] as string ?? throw new InvalidOperationException("the endpoint is not behind TenantKeyFilter");

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var header = http.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            throw Unauthorized("an API key is required: send 'Authorization: Bearer <key>'");
        if (!ApiKeyFormat.TryParse(header["Bearer ".Length..].Trim(), out var key))
            throw Unauthorized("the API key is not valid");
        var kind = HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method) ? RequestKind.Read : RequestKind.Write;
        var check = await grains.GetGrain<ITenantGrain>(key.TenantId).CheckKey(key.KeyId, key.Secret, kind);
        switch (check.Status)
        {
            case KeyStatus.Valid:
                http.Items[TenantItem] = key.TenantId;
                return await next(context);
            case KeyStatus.Suspended:
                throw new ApiException(StatusCodes.Status403Forbidden, "Tenant suspended",
                    $"the tenant is suspended: {check.Reason ?? "no reason given"}");
            case KeyStatus.RateLimited:
                throw ApiException.TooManyRequests($"the tenant's rate limit is reached: {check.Reason}", check.RetryAfter);
            case KeyStatus.Revoked:
                throw Unauthorized("the API key has been revoked");
            default:
                throw Unauthorized("the API key is not valid");
        }
    }

    private static ApiException Unauthorized(string detail) =>
        new(StatusCodes.Status401Unauthorized, "Unauthorized", detail, new Dictionary<string, string> { ["WWW-Authenticate"] = "Bearer" });
}

public static class TenantHttpContextExtensions
{
    public static string TenantId(this HttpContext context) => TenantKeyFilter.TenantOf(context);
}
