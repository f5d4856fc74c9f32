using PortraitBooth.Inference.Packs;

namespace PortraitBooth.Inference.Scheduling;

/// <summary>
/// diffusers' <c>EulerDiscreteScheduler</c> (Karras et al. 2022, algorithm 2 without churn): σ from the training
/// schedule, linearly interpolated at the chosen timesteps, ending at 0; one Euler step x += (σ_{i+1} − σ_i)·dx/dσ.
/// </summary>
public sealed class EulerDiscreteScheduler : IDiffusionScheduler
{
    private readonly PredictionType _prediction;
    private readonly double[] _sigmas;

    public EulerDiscreteScheduler(SchedulerConfig config, int steps)
    {
        ArgumentNullException.ThrowIfNull(config);
        _prediction = PredictionTypes.Parse(config.PredictionType);
        var schedule = new NoiseSchedule(config);
        var timesteps = InferenceTimesteps.Compute(config, steps);
        _sigmas = [.. timesteps.Select(schedule.SigmaAt), 0.0];
        Timesteps = timesteps;

        var maxSigma = _sigmas.Max();
        // diffusers: with "leading" the first timestep is below T−1, and the initial latent is scaled as if
        // it carried unit-variance signal too.
        InitNoiseSigma = InferenceTimesteps.StartsAtPureNoiseLevel(config) ? maxSigma : Math.Sqrt(maxSigma * maxSigma + 1);
    }

    public IReadOnlyList<double> Timesteps { get; }
    public IReadOnlyList<double> Sigmas => _sigmas;
    public double InitNoiseSigma { get; }

    // x_σ = x0 + σ·ε has variance σ² + 1 for unit-variance x0; the model expects unit variance.
    public float InputScale(int step) => (float)(1 / Math.Sqrt(SigmaOf(step) * SigmaOf(step) + 1));

    public void Step(ReadOnlySpan<float> modelOutput, int step, Span<float> sample)
    {
        if (modelOutput.Length != sample.Length)
            throw new ArgumentException(
                $"model output has {modelOutput.Length} values but the sample has {sample.Length}", nameof(modelOutput));
        var sigma = SigmaOf(step);
        var dt = _sigmas[step + 1] - sigma;
        var (sampleWeight, outputWeight) = OdeDerivative.Weights(_prediction, sigma);
        var sampleFactor = (float)(1 + dt * sampleWeight);
        var outputFactor = (float)(dt * outputWeight);
        for (var i = 0; i < sample.Length; i++)
            sample[i] = sampleFactor * sample[i] + outputFactor * modelOutput[i];
    }

    private double SigmaOf(int step)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(step, Timesteps.Count);
        return _sigmas[step];
    }
}
