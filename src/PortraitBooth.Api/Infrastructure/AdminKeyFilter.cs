using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace PortraitBooth.Api.Infrastructure;

/// <summary><c>X-Admin-Key</c> must equal the configured admin key (compared in constant time); 401 otherwise, 403 when none is configured.</summary>
public sealed class AdminKeyFilter(IOptions<PortraitBoothApiOptions> options) : IEndpointFilter
{
    public const string Header = "X-Admin-Key";

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var expected = options.Value.AdminKey;
        if (string.IsNullOrEmpty(expected))
            throw new ApiException(StatusCodes.Status403Forbidden, "Admin API disabled", "no admin key is configured (PortraitBooth:AdminKey)");
        var given = context.HttpContext.Request.Headers[Header].ToString();
        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(expected)))
            throw new ApiException(StatusCodes.Status401Unauthorized, "Unauthorized", $"a valid {Header} header is required");
        return next(context);
    }
}
