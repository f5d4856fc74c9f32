using System.Security.Cryptography;
using System.Text;

namespace PortraitBooth.Api.Infrastructure;

/// <summary>Resource ids: a prefix, the creation time in hex milliseconds (so ids sort by age), and random hex.</summary>
public static class Ids
{
    public static string New(string prefix, TimeProvider time) =>
        $"{prefix}_{time.GetUtcNow().ToUnixTimeMilliseconds():x12}{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}";

    /// <summary>The job id for a POST with an <c>Idempotency-Key</c>: the same tenant and key give the same job.</summary>
    public static string ForIdempotencyKey(string tenantId, string key) =>
        "gen_k" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{tenantId}\n{key}")))[..27];
}
