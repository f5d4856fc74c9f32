using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace PortraitBooth.Api.Infrastructure;

/// <summary>
/// The one check of the admin key, for the <c>X-Admin-Key</c> header and the dashboard's sign-in alike: it must equal
/// the configured key (compared in constant time); 401 otherwise, 403 when none is configured. Wrong keys count
/// towards the <see cref="AuthenticationThrottle"/> (429).
/// </summary>
public sealed class AdminKeyCheck(IOptions<PortraitBoothApiOptions> options, AuthenticationThrottle throttle)
{
    private const string ThrottledAs = "admin";

    /// <param name="what">What the caller should have sent, for the 401's detail.</param>
    public async ValueTask Verify(HttpContext http, string? given, string what)
    {
        var expected = options.Value.AdminKey;
        if (string.IsNullOrEmpty(expected))
            throw new ApiException(StatusCodes.Status403Forbidden, "Admin API disabled", "no admin key is configured (PortraitBooth:AdminKey)");
        await throttle.Check(http, ThrottledAs);
        if (CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given ?? ""), Encoding.UTF8.GetBytes(expected))) return;
        if (!string.IsNullOrEmpty(given)) await throttle.Failed(http, ThrottledAs); // no key at all is no guess
        throw new ApiException(StatusCodes.Status401Unauthorized, "Unauthorized", $"{what} is required");
    }
}
