using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;

namespace PortraitBooth.Api.Dashboard;

/// <summary>
/// The dashboard's sign-in: a session cookie (HttpOnly, SameSite=Strict, path <c>/admin</c>) issued for the admin key
/// and naming a revocable session (<see cref="DashboardSessions"/>), and antiforgery tokens for every state-changing
/// request. Without the cookie, pages redirect to the login page and the JSON under <c>/admin/api</c> answers 401
/// (ProblemDetails).
/// </summary>
public static class DashboardSignIn
{
    public const string Scheme = "PortraitBooth.Admin";
    public const string Policy = "PortraitBooth.Admin";
    public const string CookieName = "pb_admin";
    public const string AntiforgeryHeader = "X-CSRF-TOKEN";
    public const string LoginPath = "/admin/login";
    public const string ApiPath = "/admin/api";

    public static IServiceCollection AddDashboardSignIn(this IServiceCollection services)
    {
        services.AddAuthentication(Scheme).AddCookie(Scheme, cookie =>
        {
            cookie.Cookie.Name = CookieName;
            cookie.Cookie.Path = "/admin";
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Strict;
            // Secure whenever the request came over HTTPS (behind a TLS proxy: when forwarded headers are enabled);
            // the host listens on plain HTTP on loopback by default.
            cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            cookie.ExpireTimeSpan = TimeSpan.FromHours(8);
            cookie.SlidingExpiration = true;
            cookie.LoginPath = LoginPath;
            cookie.Events.OnValidatePrincipal = DashboardSessions.Validate;
            cookie.Events.OnRedirectToLogin = RedirectPagesOnly;
            cookie.Events.OnRedirectToAccessDenied = RedirectPagesOnly;
        });
        services.AddAuthorizationBuilder().AddPolicy(Policy, policy => policy.AddAuthenticationSchemes(Scheme).RequireAuthenticatedUser());
        services.AddAntiforgery(antiforgery =>
        {
            antiforgery.HeaderName = AntiforgeryHeader;
            antiforgery.Cookie.Name = "pb_admin_af";
            antiforgery.Cookie.Path = "/admin";
            antiforgery.Cookie.SameSite = SameSiteMode.Strict;
            antiforgery.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest; // its default is never Secure
        });
        return services;
    }

    /// <summary>
    /// A page request goes to the login page, by a relative address: the absolute one the cookie handler builds
    /// carries the request's Host header, which a client can forge. The dashboard's JSON gets 401 with a ProblemDetails
    /// body.
    /// </summary>
    private static async Task RedirectPagesOnly(Microsoft.AspNetCore.Authentication.RedirectContext<CookieAuthenticationOptions> context)
    {
        var http = context.HttpContext;
        if (!http.Request.Path.StartsWithSegments(ApiPath))
        {
            var target = new Uri(context.RedirectUri, UriKind.RelativeOrAbsolute);
            http.Response.Redirect(target.IsAbsoluteUri ? target.PathAndQuery : context.RedirectUri);
            return;
        }
        http.Response.StatusCode = StatusCodes.Status401Unauthorized;
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = new ProblemDetails { Status = 401, Title = "Unauthorized", Detail = "sign in to the dashboard at " + LoginPath },
        });
    }
}

/// <summary>Refuses (400) a state-changing request without a valid antiforgery token (header <see cref="DashboardSignIn.AntiforgeryHeader"/>).</summary>
public sealed class AntiforgeryGuard(IAntiforgery antiforgery) : Infrastructure.IRequestGuard
{
    public async ValueTask Check(HttpContext http)
    {
        var safe = HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method);
        if (!safe && !await antiforgery.IsRequestValidAsync(http))
            throw new Infrastructure.ApiException(StatusCodes.Status400BadRequest, "Invalid antiforgery token",
                $"state-changing dashboard requests need the page's antiforgery token in the {DashboardSignIn.AntiforgeryHeader} header");
    }
}

public static class AntiforgeryGuardExtensions
{
    /// <summary>State-changing requests need the page's antiforgery token, checked before the body is read (<see cref="AntiforgeryGuard"/>).</summary>
    public static TBuilder RequireAntiforgery<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new Infrastructure.GuardedBy(typeof(AntiforgeryGuard)));
}
