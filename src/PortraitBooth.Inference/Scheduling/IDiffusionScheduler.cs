namespace PortraitBooth.Inference.Scheduling;

/// <summary>
/// A sampler's schedule for a fixed number of inference steps. Stateless between steps: the caller names the step,
/// so several model predictions (classifier-free guidance, MultiDiffusion regions) can be blended and one step taken.
/// </summary>
public interface IDiffusionScheduler
{
    /// <summary>The timestep to give the model at each step, in sampling order (high noise first).</summary>
    IReadOnlyList<double> Timesteps { get; }

    /// <summary>Noise level at each step, one more than <see cref="Timesteps"/>: the last is the level after the final step.</summary>
    IReadOnlyList<double> Sigmas { get; }

    /// <summary>Standard deviation of the initial latent noise: multiply a standard normal sample by it.</summary>
    double InitNoiseSigma { get; }

    /// <summary>Factor applied to the latent before it goes into the model at <paramref name="step"/>.</summary>
    float InputScale(int step);

    /// <summary>Moves <paramref name="sample"/> in place from step <paramref name="step"/>'s noise level to the next one.</summary>
    /// <param name="modelOutput">The (guided, blended) model prediction for the sample at this step.</param>
    void Step(ReadOnlySpan<float> modelOutput, int step, Span<float> sample);
}
