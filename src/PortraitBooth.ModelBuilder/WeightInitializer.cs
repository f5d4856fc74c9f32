using PortraitBooth.Inference.Randomness;

namespace PortraitBooth.ModelBuilder;

/// <summary>
/// Deterministic source of untrained weights: same seed and model role, same floats on every machine.
/// Uses uniform (Kaiming-style) draws from integer arithmetic only, so no libm rounding differences creep in.
/// </summary>
/// <remarks>The bits come from the project's one deterministic generator, <see cref="PhiloxRandom"/>.</remarks>
internal sealed class WeightInitializer
{
    private readonly PhiloxRandom _random;

    private WeightInitializer(ulong seed) => _random = new PhiloxRandom(seed);

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
            var unit = (_random.NextUInt32() >> 8) * (1f / (1 << 24)); // 24 random bits: exact in a float, in [0,1)
            values[i] = (2f * unit - 1f) * bound;
        }
        return values;
    }
}
