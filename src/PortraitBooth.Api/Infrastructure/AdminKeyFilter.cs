namespace PortraitBooth.Api.Infrastructure;

/// <summary><c>X-Admin-Key</c> must be the admin key (<see cref="AdminKeyCheck"/>).</summary>
public sealed class AdminKeyFilter(AdminKeyCheck check) : IEndpointFilter
{
    public const string Header = "X-Admin-Key";

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        check.Verify(context.HttpContext.Request.Headers[Header].ToString(), $"a valid {Header} header");
        return next(context);
    }
}
