using PortraitBooth.Abstractions;

namespace PortraitBooth.Api.Infrastructure;

/// <summary>
/// The tenant of a request comes from its API key and nowhere else: <c>Authorization: Bearer pb_…</c> is checked by
/// the tenant's grain. Missing, malformed, unknown or revoked keys answer 401; a suspended tenant answers 403 with
/// the reason; a tenant over its rate limit (every authenticated request counts: <see cref="RequestKind"/>) 429;
/// wrong keys count towards the <see cref="AuthenticationThrottle"/> (429).
/// </summary>
public sealed class TenantKeyGuard(IGrainFactory grains, AuthenticationThrottle throttle) : IRequestGuard
{
    private const string TenantItem = "portraitbooth.tenant";

    public static string TenantOf(HttpContext context) =>
        context.Items[TenantItem] as string ?? throw new InvalidOperationException("the endpoint does not require a tenant key");

    public async ValueTask Check(HttpContext http)
    {
        var header = http.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            await throttle.Check(http, key: null);
            throw Unauthorized("an API key is required: send 'Authorization: Bearer <key>'"); // no guess: not counted
        }
        if (!ApiKeyFormat.TryParse(header["Bearer ".Length..].Trim(), out var key))
        {
            await throttle.Check(http, key: null);
            await throttle.Failed(http, key: null);
            throw Unauthorized("the API key is not valid");
        }
        var keyName = $"{key.TenantId}/{key.KeyId}";
        await throttle.Check(http, keyName);
        var kind = HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method) ? RequestKind.Read : RequestKind.Write;
        var check = await grains.GetGrain<ITenantGrain>(key.TenantId).CheckKey(key.KeyId, key.Secret, kind);
        switch (check.Status)
        {
            case KeyStatus.Valid:
                http.Items[TenantItem] = key.TenantId;
                return;
            case KeyStatus.Suspended:
                throw new ApiException(StatusCodes.Status403Forbidden, "Tenant suspended",
                    $"the tenant is suspended: {check.Reason ?? "no reason given"}");
            case KeyStatus.RateLimited:
                throw ApiException.TooManyRequests($"the tenant's rate limit is reached: {check.Reason}", check.RetryAfter);
            case KeyStatus.Revoked:
                await throttle.Failed(http, keyName);
                throw Unauthorized("the API key has been revoked");
            default:
                await throttle.Failed(http, keyName);
                throw Unauthorized("the API key is not valid");
        }
    }

    private static ApiException Unauthorized(string detail) =>
        new(StatusCodes.Status401Unauthorized, "Unauthorized", detail, new Dictionary<string, string> { ["WWW-Authenticate"] = "Bearer" });
}

public static class TenantHttpContextExtensions
{
    public static string TenantId(this HttpContext context) => TenantKeyGuard.TenantOf(context);
}
