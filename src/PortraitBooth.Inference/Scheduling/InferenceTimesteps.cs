using PortraitBooth.Inference.Packs;

namespace PortraitBooth.Inference.Scheduling;

/// <summary>
/// Which training timesteps an N-step sampler visits, by diffusers' <c>timestep_spacing</c> (see "Common Diffusion
/// Noise Schedules and Sample Steps are Flawed", table 2). Descending: the first step is the noisiest.
/// </summary>
internal static class InferenceTimesteps
{
    private static readonly Dictionary<string, Func<SchedulerConfig, int, double[]>> BySpacing = new()
    {
        // Evenly from T−1 down to 0, fractional timesteps allowed.
        ["linspace"] = (config, steps) =>
            NoiseSchedule.Linspace(0, config.NumTrainTimesteps - 1, steps).Reverse().ToArray(),
        // Multiples of T // N from 0, shifted by steps_offset (SD 1.5 used 1): never reaches T−1.
        ["leading"] = (config, steps) =>
            Enumerable.Range(0, steps).Reverse()
                .Select(i => (double)(i * (config.NumTrainTimesteps / steps) + config.StepsOffset)).ToArray(),
        // From T down in steps of T/N, rounded half to even like numpy, minus one: starts at T−1.
        ["trailing"] = (config, steps) =>
            Enumerable.Range(0, steps)
                .Select(i => Math.Round(config.NumTrainTimesteps - i * ((double)config.NumTrainTimesteps / steps)) - 1)
                .ToArray(),
    };

    public static double[] Compute(SchedulerConfig config, int steps)
    {
        if (steps < 1 || steps > config.NumTrainTimesteps)
            throw new ArgumentOutOfRangeException(nameof(steps), steps,
                $"the number of steps must be between 1 and num_train_timesteps ({config.NumTrainTimesteps})");
        return ConfigChoice.Parse(config.TimestepSpacing, "timestep_spacing", BySpacing)(config, steps);
    }

    /// <summary>Whether the first timestep is the last training timestep, where pure noise has σ = σ_max (not √(σ_max²+1)).</summary>
    public static bool StartsAtPureNoiseLevel(SchedulerConfig config) =>
        config.TimestepSpacing is "linspace" or "trailing";
}
