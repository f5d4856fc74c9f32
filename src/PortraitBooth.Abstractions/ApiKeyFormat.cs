using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace PortraitBooth.Abstractions;

/// <summary>A parsed API key: <c>pb_&lt;tenantId&gt;_&lt;keyId&gt;_&lt;secret&gt;</c>.</summary>
public sealed record ApiKeyParts(string TenantId, string KeyId, string Secret);

/// <summary>
/// The one place that knows how an API key is written. Key id and secret are lowercase hex (no '_'), so the
/// tenant id is whatever lies between the prefix and the last two underscores and may itself contain '_'.
/// </summary>
public static class ApiKeyFormat
{
    public const string Prefix = "pb_";
    private const int KeyIdBytes = 6, SecretBytes = 24;

    public static string Format(string tenantId, string keyId, string secret) => $"{Prefix}{tenantId}_{keyId}_{secret}";

    public static string NewKeyId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(KeyIdBytes));

    public static string NewSecret() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(SecretBytes));

    public static bool TryParse(string? key, [NotNullWhen(true)] out ApiKeyParts? parts)
    {
        parts = null;
        if (key is null || !key.StartsWith(Prefix, StringComparison.Ordinal)) return false;
        var lastSeparator = key.LastIndexOf('_');
        if (lastSeparator <= Prefix.Length) return false;
        var keyIdSeparator = key.LastIndexOf('_', lastSeparator - 1);
        if (keyIdSeparator <= Prefix.Length) return false;
        var tenantId = key[Prefix.Length..keyIdSeparator];
        var keyId = key[(keyIdSeparator + 1)..lastSeparator];
        var secret = key[(lastSeparator + 1)..];
        if (!IsHex(keyId) || !IsHex(secret)) return false;
        parts = new ApiKeyParts(tenantId, keyId, secret);
        return true;
    }

    private static bool IsHex(string value) => value.Length > 0 && value.All(char.IsAsciiHexDigitLower);
}
