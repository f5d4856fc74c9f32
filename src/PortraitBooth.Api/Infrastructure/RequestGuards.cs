namespace PortraitBooth.Api.Infrastructure;

/// <summary>A check a request must pass before its endpoint runs; it refuses by throwing <see cref="ApiException"/>.</summary>
public interface IRequestGuard
{
    ValueTask Check(HttpContext http);
}

/// <summary>Endpoint metadata: the guard (a registered service) the request must pass.</summary>
public sealed record GuardedBy(Type Guard);

/// <summary>
/// Runs the guards of the matched endpoint, in the order they were added (outer groups first), after the dashboard's
/// sign-in. A middleware and not an endpoint filter: minimal APIs bind the body before any filter runs, so a request
/// without credentials would be parsed first and get 400 for a malformed body instead of 401.
/// </summary>
public sealed class RequestGuardMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext http)
    {
        if (http.GetEndpoint() is { } endpoint)
            foreach (var guarded in endpoint.Metadata.GetOrderedMetadata<GuardedBy>())
                await ((IRequestGuard)http.RequestServices.GetRequiredService(guarded.Guard)).Check(http);
        await next(http);
    }
}

public static class RequestGuardExtensions
{
    /// <summary><c>Authorization: Bearer</c> with a tenant's API key (<see cref="TenantKeyGuard"/>).</summary>
    public static TBuilder RequireTenantKey<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new GuardedBy(typeof(TenantKeyGuard)));

    /// <summary><c>X-Admin-Key</c> with the admin key (<see cref="AdminKeyGuard"/>).</summary>
    public static TBuilder RequireAdminKey<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new GuardedBy(typeof(AdminKeyGuard)));
}

/// <summary><c>X-Admin-Key</c> must be the admin key (<see cref="AdminKeyCheck"/>).</summary>
public sealed class AdminKeyGuard(AdminKeyCheck check) : IRequestGuard
{
    public const string Header = "X-Admin-Key";

    public ValueTask Check(HttpContext http) => check.Verify(http, http.Request.Headers[Header].ToString(), $"a valid {Header} header");
}
