using PortraitBooth.Inference.Packs;

namespace PortraitBooth.Inference.Scheduling;

/// <summary>
/// The training noise schedule: β per training timestep, ᾱ_t = Π(1 − β), and the noise level σ_t = √((1 − ᾱ_t)/ᾱ_t)
/// that a variance-exploding sampler (Euler, Heun, DPM++) works in.
/// </summary>
/// <remarks>diffusers computes this in float32; double keeps σ within ~1e-5 of it and is what the tests pin.</remarks>
public sealed class NoiseSchedule
{
    private static readonly Dictionary<string, Func<SchedulerConfig, double[]>> BetasBySchedule = new()
    {
        ["linear"] = config => Linspace(config.BetaStart, config.BetaEnd, config.NumTrainTimesteps),
        // SD's schedule: linear in √β.
        ["scaled_linear"] = config => Linspace(Math.Sqrt(config.BetaStart), Math.Sqrt(config.BetaEnd), config.NumTrainTimesteps)
            .Select(root => root * root).ToArray(),
    };

    public NoiseSchedule(SchedulerConfig config)
    {
        if (config.NumTrainTimesteps < 2)
            throw new ArgumentException($"num_train_timesteps must be at least 2, not {config.NumTrainTimesteps}", nameof(config));
        var betas = ConfigChoice.Parse(config.BetaSchedule, "beta_schedule", BetasBySchedule)(config);

        var alphasCumprod = new double[betas.Length];
        var product = 1.0;
        for (var t = 0; t < betas.Length; t++) alphasCumprod[t] = product *= 1 - betas[t];
        AlphasCumprod = alphasCumprod;
        Sigmas = alphasCumprod.Select(a => Math.Sqrt((1 - a) / a)).ToArray();
    }

    /// <summary>ᾱ_t for t = 0 … num_train_timesteps − 1.</summary>
    public IReadOnlyList<double> AlphasCumprod { get; }

    /// <summary>σ_t for t = 0 … num_train_timesteps − 1.</summary>
    public IReadOnlyList<double> Sigmas { get; }

    /// <summary>σ at a fractional timestep, linearly interpolated and clamped to the ends (numpy's <c>np.interp</c>).</summary>
    public double SigmaAt(double timestep)
    {
        if (timestep <= 0) return Sigmas[0];
        if (timestep >= Sigmas.Count - 1) return Sigmas[^1];
        var below = (int)Math.Floor(timestep);
        var fraction = timestep - below;
        return Sigmas[below] + fraction * (Sigmas[below + 1] - Sigmas[below]);
    }

    /// <summary><paramref name="count"/> evenly spaced values from start to end inclusive (numpy's <c>np.linspace</c>).</summary>
    internal static double[] Linspace(double start, double end, int count)
    {
        if (count == 1) return [start];
        var step = (end - start) / (count - 1);
        var values = new double[count];
        for (var i = 0; i < count; i++) values[i] = start + i * step;
        values[^1] = end; // exact end, as numpy guarantees
        return values;
    }
}
