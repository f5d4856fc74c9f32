namespace PortraitBooth.Inference.Randomness;

/// <summary>
/// Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC'11; Random123): a keyed
/// bijection of 128-bit counters. Counter-based, so the n-th block is computed directly, on any device alike.
/// </summary>
public static class Philox4x32
{
    private const uint Multiplier0 = 0xD2511F53;
    private const uint Multiplier1 = 0xCD9E8D57;
    private const uint KeyIncrement0 = 0x9E3779B9; // golden ratio
    private const uint KeyIncrement1 = 0xBB67AE85; // √3 − 1
    private const int Rounds = 10;

    /// <summary>The four output words for a counter (words 0–3) under a key (words 0–1), as Random123's philox4x32.</summary>
    public static (uint X0, uint X1, uint X2, uint X3) Block((uint X0, uint X1, uint X2, uint X3) counter, (uint K0, uint K1) key)
    {
        var (x0, x1, x2, x3) = counter;
        var (k0, k1) = key;
        for (var round = 0; round < Rounds; round++)
        {
            if (round > 0) { k0 += KeyIncrement0; k1 += KeyIncrement1; }
            var product0 = (ulong)Multiplier0 * x0;
            var product1 = (ulong)Multiplier1 * x2;
            (x0, x1, x2, x3) = ((uint)(product1 >> 32) ^ x1 ^ k0, (uint)product1, (uint)(product0 >> 32) ^ x3 ^ k1, (uint)product0);
        }
        return (x0, x1, x2, x3);
    }
}
