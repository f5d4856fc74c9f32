using PortraitBooth.Inference.Packs;
using PortraitBooth.Inference.Scheduling;

namespace PortraitBooth.Inference.Tests.Scheduling;

/// <summary>Reference numbers: diffusers' EulerDiscreteScheduler with SD 1.5's config, 50 steps.</summary>
public sealed class EulerDiscreteSchedulerTests
{
    private const double Tolerance = 1e-4;

    private static readonly SchedulerConfig StableDiffusion15 = new(
        Type: "euler_discrete", NumTrainTimesteps: 1000, BetaStart: 0.00085, BetaEnd: 0.012,
        BetaSchedule: "scaled_linear", TimestepSpacing: "linspace", StepsOffset: 0, PredictionType: "epsilon");

    [Fact]
    public void LinspaceMatchesDiffusers()
    {
        var scheduler = SchedulerFactory.Create(StableDiffusion15, 50);

        Assert.Equal(50, scheduler.Timesteps.Count);
        Assert.Equal(51, scheduler.Sigmas.Count);
        AssertClose([999, 978.6122, 958.2245], scheduler.Timesteps.Take(3));
        Assert.Equal(0, scheduler.Timesteps[^1]);
        AssertClose([14.6146, 12.9368, 11.4917], scheduler.Sigmas.Take(3));
        Assert.Equal(0.029168, scheduler.Sigmas[^2], Tolerance);
        Assert.Equal(0, scheduler.Sigmas[^1]);
        Assert.Equal(14.6146, scheduler.InitNoiseSigma, Tolerance);
    }

    [Fact]
    public void LeadingWithStepsOffsetMatchesDiffusers()
    {
        var scheduler = SchedulerFactory.Create(StableDiffusion15 with { TimestepSpacing = "leading", StepsOffset = 1 }, 50);

        AssertClose([981, 961, 941], scheduler.Timesteps.Take(3));
        Assert.Equal(1, scheduler.Timesteps[^1]);
        Assert.Equal(13.1204, scheduler.Sigmas[0], Tolerance);
        // sqrt(13.1204² + 1): "leading" never starts at pure noise.
        Assert.Equal(13.1585, scheduler.InitNoiseSigma, Tolerance);
    }

    [Fact]
    public void TrailingStartsAtTheLastTrainingTimestep()
    {
        var scheduler = SchedulerFactory.Create(StableDiffusion15 with { TimestepSpacing = "trailing" }, 50);
        var linspace = SchedulerFactory.Create(StableDiffusion15, 50);

        // round(1000 − 20 i) − 1.
        AssertClose([999, 979, 959], scheduler.Timesteps.Take(3));
        Assert.Equal(19, scheduler.Timesteps[^1]);
        Assert.Equal(linspace.Sigmas[0], scheduler.Sigmas[0], 1e-12);
        Assert.Equal(scheduler.Sigmas[0], scheduler.InitNoiseSigma, 1e-12);
    }

    [Fact]
    public void SigmasAreInterpolatedLinearlyBetweenTrainingTimesteps()
    {
        var schedule = new NoiseSchedule(StableDiffusion15);
        var scheduler = SchedulerFactory.Create(StableDiffusion15, 50);

        // Timestep 978.6122... lies between training steps 978 and 979.
        var t = scheduler.Timesteps[1];
        var fraction = t - 978;
        var expected = schedule.Sigmas[978] + fraction * (schedule.Sigmas[979] - schedule.Sigmas[978]);
        Assert.Equal(expected, scheduler.Sigmas[1], 1e-12);
    }

    [Fact]
    public void LinearBetaScheduleIsLinearInBeta()
    {
        var schedule = new NoiseSchedule(StableDiffusion15 with { BetaSchedule = "linear", BetaStart = 0.0001, BetaEnd = 0.02 });

        // ᾱ_0 = 1 − β_0 and ᾱ_1 = (1 − β_0)(1 − β_1), with β_1 = 0.0001 + 0.0199/999.
        Assert.Equal(1 - 0.0001, schedule.AlphasCumprod[0], 1e-15);
        Assert.Equal((1 - 0.0001) * (1 - (0.0001 + 0.0199 / 999)), schedule.AlphasCumprod[1], 1e-15);
        Assert.Equal(Math.Sqrt(0.0001 / (1 - 0.0001)), schedule.Sigmas[0], 1e-12);
    }

    [Fact]
    public void InputScaleIsOneOverSqrtOfSigmaSquaredPlusOne()
    {
        var scheduler = SchedulerFactory.Create(StableDiffusion15, 50);

        Assert.Equal(1 / Math.Sqrt(14.6146 * 14.6146 + 1), scheduler.InputScale(0), 1e-5);
        Assert.Equal((float)(1 / Math.Sqrt(scheduler.Sigmas[49] * scheduler.Sigmas[49] + 1)), scheduler.InputScale(49));
    }

    [Fact]
    public void EpsilonStepMovesAlongTheNoiseByTheSigmaDifference()
    {
        var scheduler = SchedulerFactory.Create(StableDiffusion15, 50);
        float[] sample = [1.0f, -2.0f, 0.5f, 3.0f];
        float[] epsilon = [0.25f, 1.0f, -0.75f, 0.0f];
        const int step = 3;
        var dt = scheduler.Sigmas[step + 1] - scheduler.Sigmas[step];
        var expected = sample.Zip(epsilon, (x, e) => x + dt * e).ToArray();

        scheduler.Step(epsilon, step, sample);

        AssertClose(expected, sample.Select(x => (double)x), 1e-6);
    }

    [Fact]
    public void TheLastStepLandsOnThePredictedCleanSample()
    {
        // σ goes to 0 on the last step: x − σ·ε is the epsilon model's clean estimate.
        var scheduler = SchedulerFactory.Create(StableDiffusion15, 50);
        float[] sample = [0.7f, -0.1f];
        float[] epsilon = [2.0f, -3.0f];
        var sigma = scheduler.Sigmas[49];

        scheduler.Step(epsilon, 49, sample);

        AssertClose([0.7 - sigma * 2.0, -0.1 + sigma * 3.0], sample.Select(x => (double)x), 1e-6);
    }

    [Fact]
    public void VPredictionStepUsesTheImpliedCleanSample()
    {
        var scheduler = SchedulerFactory.Create(StableDiffusion15 with { PredictionType = "v_prediction" }, 50);
        float[] sample = [1.5f, -0.5f];
        float[] v = [0.3f, 0.8f];
        const int step = 10;
        var sigma = scheduler.Sigmas[step];
        var dt = scheduler.Sigmas[step + 1] - sigma;
        // diffusers: x0 = v·(−σ/√(σ²+1)) + x/(σ²+1); derivative = (x − x0)/σ; x += derivative·dt.
        var expected = sample.Zip(v, (x, vi) =>
        {
            var x0 = vi * (-sigma / Math.Sqrt(sigma * sigma + 1)) + x / (sigma * sigma + 1);
            return x + (x - x0) / sigma * dt;
        }).ToArray();

        scheduler.Step(v, step, sample);

        AssertClose(expected, sample.Select(x => (double)x), 1e-5);
    }

    [Fact]
    public void StepIsAPureFunctionOfItsArguments()
    {
        // No hidden step counter: the same call twice gives the same result.
        var scheduler = SchedulerFactory.Create(StableDiffusion15, 20);
        float[] first = [1f, 2f];
        float[] second = [1f, 2f];

        scheduler.Step([0.5f, -0.5f], 5, first);
        scheduler.Step([0.5f, -0.5f], 5, second);

        Assert.Equal(first, second);
    }

    [Theory]
    [InlineData("Type", "ddim", "scheduler type 'ddim' is not supported")]
    [InlineData("BetaSchedule", "squaredcos_cap_v2", "beta_schedule 'squaredcos_cap_v2' is not supported")]
    [InlineData("TimestepSpacing", "karras", "timestep_spacing 'karras' is not supported")]
    [InlineData("PredictionType", "flow", "prediction_type 'flow' is not supported")]
    public void UnsupportedSettingsAreRejectedByName(string setting, string value, string expectedMessage)
    {
        var config = setting switch
        {
            "Type" => StableDiffusion15 with { Type = value },
            "BetaSchedule" => StableDiffusion15 with { BetaSchedule = value },
            "TimestepSpacing" => StableDiffusion15 with { TimestepSpacing = value },
            _ => StableDiffusion15 with { PredictionType = value },
        };

        var error = Assert.Throws<ArgumentException>(() => SchedulerFactory.Create(config, 50));

        Assert.Contains(expectedMessage, error.Message);
        Assert.Contains("supported:", error.Message);
    }

    [Fact]
    public void DiffusersClassNameIsAccepted() =>
        Assert.IsType<EulerDiscreteScheduler>(SchedulerFactory.Create(StableDiffusion15 with { Type = "EulerDiscreteScheduler" }, 10));

    [Theory]
    [InlineData(0)]
    [InlineData(1001)]
    public void StepCountsOutsideTheTrainingRangeAreRejected(int steps) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => SchedulerFactory.Create(StableDiffusion15, steps));

    [Fact]
    public void StepIndicesOutsideTheScheduleAreRejected()
    {
        var scheduler = SchedulerFactory.Create(StableDiffusion15, 10);
        var sample = new float[1];

        Assert.Throws<ArgumentOutOfRangeException>(() => scheduler.Step([0f], 10, sample));
        Assert.Throws<ArgumentOutOfRangeException>(() => scheduler.InputScale(-1));
    }

    private static void AssertClose(IEnumerable<double> expected, IEnumerable<double> actual, double tolerance = Tolerance)
    {
        var (e, a) = (expected.ToArray(), actual.ToArray());
        Assert.Equal(e.Length, a.Length);
        for (var i = 0; i < e.Length; i++) Assert.Equal(e[i], a[i], tolerance);
    }
}
