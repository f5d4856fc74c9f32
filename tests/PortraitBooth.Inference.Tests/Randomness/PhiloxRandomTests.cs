using PortraitBooth.Inference.Randomness;

namespace PortraitBooth.Inference.Tests.Randomness;

public sealed class PhiloxRandomTests
{
    // The first 16 normals for seed 42, printed by the independent pure-Python reference
    // tests/reference/philox_normals.py (python3 tests/reference/philox_normals.py).
    private static readonly double[] Seed42Normals =
    [
        -0.6076510539335191, 0.9461447819697152, -0.8536440633116089, 0.2519922121066046,
        0.21637628796618585, -1.449453837114188, -1.0808154976343705, 1.0261796967639816,
        0.17126596131881114, 1.9036634273748843, 0.8065475570607904, 0.210366905122817,
        0.6784414676956306, 1.5027128135627243, 0.42829939749678414, 0.9302398494016391,
    ];

    // ln/cos/sin may differ in the last bit between math libraries; anything larger is a real difference.
    private const double LibmTolerance = 1e-14;

    [Fact]
    public void NormalsForSeed42MatchThePythonReference()
    {
        var normals = new double[Seed42Normals.Length];

        new PhiloxRandom(42).FillNormal(normals);

        for (var i = 0; i < normals.Length; i++) Assert.Equal(Seed42Normals[i], normals[i], LibmTolerance);
    }

    [Fact]
    public void FloatNormalsAreTheDoubleNormalsRounded()
    {
        var normals = new float[Seed42Normals.Length];

        new PhiloxRandom(42).FillNormal(normals);

        Assert.Equal(Seed42Normals.Select(x => (float)x), normals);
    }

    [Fact]
    public void NextNormalAndFillNormalDrawTheSameStream()
    {
        var random = new PhiloxRandom(42);

        Assert.Equal(Seed42Normals[0], random.NextNormal(), LibmTolerance);
        Assert.Equal(Seed42Normals[1], random.NextNormal(), LibmTolerance);
        var rest = new double[2];
        random.FillNormal(rest);
        Assert.Equal(Seed42Normals[2], rest[0], LibmTolerance);
        Assert.Equal(Seed42Normals[3], rest[1], LibmTolerance);
    }

    [Fact]
    public void WordsAreTheBlocksOfConsecutiveCountersUnderTheSplitSeed()
    {
        const ulong seed = 0x0123_4567_89AB_CDEF;
        var key = (0x89AB_CDEFu, 0x0123_4567u); // (low half, high half)
        var first = Philox4x32.Block((0, 0, 0, 0), key);
        var second = Philox4x32.Block((1, 0, 0, 0), key);
        var random = new PhiloxRandom(seed);

        var words = Enumerable.Range(0, 8).Select(_ => random.NextUInt32()).ToArray();

        Assert.Equal([first.X0, first.X1, first.X2, first.X3, second.X0, second.X1, second.X2, second.X3], words);
    }

    [Fact]
    public void UniformTakesTheTop53BitsOfTwoWordsLowWordFirst()
    {
        var words = new PhiloxRandom(7);
        var uniforms = new PhiloxRandom(7);

        for (var i = 0; i < 8; i++)
        {
            ulong low = words.NextUInt32();
            ulong high = words.NextUInt32();
            var expected = (double)((high << 32 | low) >> 11) / (1UL << 53);
            Assert.Equal(expected, uniforms.NextUniform());
        }
    }

    [Fact]
    public void SameSeedSameStreamOtherSeedOtherStream()
    {
        var a = new double[64];
        var b = new double[64];
        var c = new double[64];

        new PhiloxRandom(123).FillNormal(a);
        new PhiloxRandom(123).FillNormal(b);
        new PhiloxRandom(124).FillNormal(c);

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void NormalsHaveUnitVarianceAndZeroMean()
    {
        const int count = 200_000;
        var samples = new double[count];

        new PhiloxRandom(2024).FillNormal(samples);

        var mean = samples.Average();
        var variance = samples.Select(x => (x - mean) * (x - mean)).Sum() / (count - 1);
        // Standard errors: 1/√n ≈ 0.0022 for the mean, √(2/n) ≈ 0.0032 for the variance; 5 of each.
        Assert.InRange(mean, -0.011, 0.011);
        Assert.InRange(variance, 0.984, 1.016);
        // Box–Muller tails: about 0.27% beyond 3σ.
        var beyondThreeSigma = samples.Count(x => Math.Abs(x) > 3) / (double)count;
        Assert.InRange(beyondThreeSigma, 0.0022, 0.0032);
    }

    [Fact]
    public void UniformsStayInTheUnitIntervalAndFillIt()
    {
        var random = new PhiloxRandom(99);
        var buckets = new int[10];

        for (var i = 0; i < 100_000; i++)
        {
            var u = random.NextUniform();
            Assert.InRange(u, 0.0, Math.BitDecrement(1.0));
            buckets[(int)(u * 10)]++;
        }

        // 10,000 expected per tenth, standard deviation ≈ 95.
        Assert.All(buckets, count => Assert.InRange(count, 9_500, 10_500));
    }
}
