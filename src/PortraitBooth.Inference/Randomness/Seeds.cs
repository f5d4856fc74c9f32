using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace PortraitBooth.Inference.Randomness;

/// <summary>The seed a request gets when it names none: in [0, 2^63), so it prints and round-trips as a JSON integer everywhere.</summary>
public static class Seeds
{
    public static ulong Random() => (ulong)System.Random.Shared.NextInt64(0, long.MaxValue);

    /// <summary>The same seed for the same <paramref name="text"/> (e.g. a job id from an idempotency key, so a retry matches).</summary>
    public static ulong DerivedFrom(string text) =>
        BinaryPrimitives.ReadUInt64LittleEndian(SHA256.HashData(Encoding.UTF8.GetBytes(text))) & long.MaxValue;
}
