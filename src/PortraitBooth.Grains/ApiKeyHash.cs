using System.Security.Cryptography;
using System.Text;

namespace PortraitBooth.Grains;

/// <summary>Salted SHA-256 of a key's secret: the secret itself is never stored.</summary>
public static class ApiKeyHash
{
    public static byte[] NewSalt() => RandomNumberGenerator.GetBytes(16);

    public static byte[] Compute(byte[] salt, string secret) => SHA256.HashData([.. salt, .. Encoding.UTF8.GetBytes(secret)]);

    /// <summary>Constant-time comparison, so response timing does not leak how much of a guess was right.</summary>
    public static bool Matches(byte[] salt, byte[] hash, string secret) =>
        CryptographicOperations.FixedTimeEquals(Compute(salt, secret), hash);
}
