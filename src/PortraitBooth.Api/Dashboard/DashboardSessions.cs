using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using PortraitBooth.Abstractions;

namespace PortraitBooth.Api.Dashboard;

/// <summary>
/// Revocable dashboard sessions: the cookie names a session (<see cref="IDashboardSessionGrain"/>), every request
/// checks it is still open, and signing out closes it, so a cookie copied before the sign-out opens nothing after it.
/// </summary>
internal static class DashboardSessions
{
    private const string SessionClaim = "pb_session";

    /// <summary>Opens a new session and signs its cookie in.</summary>
    public static async Task SignIn(HttpContext http)
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        await Grains(http).GetGrain<IDashboardSessionGrain>(id).Open();
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "admin"), new Claim(SessionClaim, id)], DashboardSignIn.Scheme);
        // Not persistent: a session cookie, gone when the browser closes (and after 8 idle hours in any case).
        await http.SignInAsync(DashboardSignIn.Scheme, new ClaimsPrincipal(identity), new AuthenticationProperties { IsPersistent = false });
    }

    /// <summary>Closes the request's session and clears its cookie.</summary>
    public static async Task SignOut(HttpContext http)
    {
        if (http.User.FindFirstValue(SessionClaim) is { } id) await Grains(http).GetGrain<IDashboardSessionGrain>(id).Close();
        await http.SignOutAsync(DashboardSignIn.Scheme);
    }

    /// <summary>The cookie handler's check of every request: a cookie of a closed (or unknown) session signs nobody in.</summary>
    public static async Task Validate(CookieValidatePrincipalContext context)
    {
        var id = context.Principal?.FindFirstValue(SessionClaim);
        if (id is not null && await Grains(context.HttpContext).GetGrain<IDashboardSessionGrain>(id).IsOpen()) return;
        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(DashboardSignIn.Scheme);
    }

    private static IGrainFactory Grains(HttpContext http) => http.RequestServices.GetRequiredService<IGrainFactory>();
}
