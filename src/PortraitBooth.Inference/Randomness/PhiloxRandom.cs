namespace PortraitBooth.Inference.Randomness;

/// <summary>
/// A seeded stream of random numbers on <see cref="Philox4x32"/>, specified exactly so that other implementations
/// (tests/reference/philox_normals.py, a GPU kernel, the pack generator) reproduce it:
/// <list type="bullet">
/// <item>key = (low 32 bits of the seed, high 32 bits of the seed);</item>
/// <item>counter = the block index as a 128-bit little-endian number (word 0 least significant), starting at 0;</item>
/// <item>words: each block's four output words are consumed in order 0, 1, 2, 3, then the next block;</item>
/// <item>uniform: two words, the first the low half: ((second &lt;&lt; 32 | first) &gt;&gt; 11) · 2⁻⁵³, in [0, 1);</item>
/// <item>normal: Box–Muller in double on two uniforms u1, u2: r = √(−2 ln(1 − u1)); the first normal is
/// r·cos(2πu2), the second r·sin(2πu2), returned by the next normal draw.</item>
/// </list>
/// So from a fresh generator normal i comes from block ⌊i/2⌋: cos for even i, sin for odd i.
/// Not thread-safe; not for cryptography.
/// </summary>
/// <remarks>ln, cos and sin come from the platform's math library, which may differ in the last bit of a double.</remarks>
public sealed class PhiloxRandom
{
    private const double TwoToMinus53 = 1.0 / (1UL << 53);

    private readonly (uint K0, uint K1) _key;
    private ulong _nextBlockIndex;
    private (uint X0, uint X1, uint X2, uint X3) _block;
    private int _nextWord = 4; // 4: the current block is used up
    private double? _pendingNormal;

    public PhiloxRandom(ulong seed) => _key = ((uint)seed, (uint)(seed >> 32));

    public uint NextUInt32()
    {
        if (_nextWord == 4)
        {
            // 2⁶⁴ blocks are more than any run uses, so the counter's words 2 and 3 stay 0.
            _block = Philox4x32.Block(((uint)_nextBlockIndex, (uint)(_nextBlockIndex >> 32), 0, 0), _key);
            _nextBlockIndex++;
            _nextWord = 0;
        }
        return _nextWord++ switch
        {
            0 => _block.X0,
            1 => _block.X1,
            2 => _block.X2,
            _ => _block.X3,
        };
    }

    /// <summary>Uniform on [0, 1) with 53 random bits (every double of the form k·2⁻⁵³).</summary>
    public double NextUniform()
    {
        ulong low = NextUInt32();
        ulong high = NextUInt32();
        return ((high << 32 | low) >> 11) * TwoToMinus53;
    }

    /// <summary>Standard normal (mean 0, variance 1).</summary>
    public double NextNormal()
    {
        if (_pendingNormal is { } pending)
        {
            _pendingNormal = null;
            return pending;
        }
        // 1 − u lies in (0, 1], so the logarithm is finite.
        var radius = Math.Sqrt(-2.0 * Math.Log(1.0 - NextUniform()));
        var angle = 2.0 * Math.PI * NextUniform();
        _pendingNormal = radius * Math.Sin(angle);
        return radius * Math.Cos(angle);
    }

    public void FillNormal(Span<double> destination)
    {
        for (var i = 0; i < destination.Length; i++) destination[i] = NextNormal();
    }

    /// <summary>The same draws as <see cref="FillNormal(Span{double})"/>, rounded to float.</summary>
    public void FillNormal(Span<float> destination)
    {
        for (var i = 0; i < destination.Length; i++) destination[i] = (float)NextNormal();
    }
}
