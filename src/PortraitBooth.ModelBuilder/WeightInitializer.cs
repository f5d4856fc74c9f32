namespace PortraitBooth.ModelBuilder;

/// <summary>
/// Deterministic source of untrained weights: same seed and model role, same floats on every machine.
/// Uses uniform (Kaiming-style) draws from integer arithmetic only, so no libm rounding differences creep in.
/// </summary>
/// <remarks>
/// TEMPORARY stream: a SplitMix64 written here because <c>PortraitBooth.Inference.Randomness</c> (Philox) is not
/// merged yet. Swapping it means replacing <see cref="NextUInt64"/> and <see cref="For"/>; nothing else draws bits.
/// Swapping changes every generated file, which is fine: packs are regenerated, never stored.
/// </remarks>
internal sealed class WeightInitializer
{
    private ulong _state;

    private WeightInitializer(ulong state) => _state = state;

    /// <summary>One independent stream per model, so adding a layer to one network leaves the others' bytes alone.</summary>
    public static WeightInitializer For(ulong packSeed, string modelRole)
    {
        var hash = 14695981039346656037UL; // FNV-1a of the role
        foreach (var c in modelRole) hash = (hash ^ c) * 1099511628211UL;
        return new WeightInitializer(packSeed ^ hash);
    }

    /// <summary>Uniform draws in [-bound, bound) with variance gain²/fanIn: activations keep their scale through a layer.</summary>
    public float[] FanIn(int count, int fanIn, float gain = 1f) =>
        Uniform(count, gain * MathF.Sqrt(3f / fanIn));

    /// <summary>Uniform draws with unit variance scaled by <paramref name="std"/> (embedding tables).</summary>
    public float[] Scaled(int count, float std) => Uniform(count, std * MathF.Sqrt(3f));

    private float[] Uniform(int count, float bound)
    {
        var values = new float[count];
        for (var i = 0; i < count; i++)
        {
            var unit = (NextUInt64() >> 40) * (1f / (1 << 24)); // 24 random bits: exact in a float, in [0,1)
            values[i] = (2f * unit - 1f) * bound;
        }
        return values;
    }

    private ulong NextUInt64()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
