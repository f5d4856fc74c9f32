namespace PortraitBooth.Inference.Scheduling;

/// <summary>
/// The probability-flow ODE derivative in σ (Karras et al. 2022), dx/dσ = (x − x̂0)/σ, where x̂0 is the clean
/// sample the model's prediction implies. Written as <c>SampleWeight·x + OutputWeight·output</c> so that a sampler
/// applies it with one multiply-add per element whatever the prediction type.
/// </summary>
internal static class OdeDerivative
{
    public static (double SampleWeight, double OutputWeight) Weights(PredictionType prediction, double sigma) =>
        prediction switch
        {
            // x̂0 = x − σ·ε  ⇒  dx/dσ = ε.
            PredictionType.Epsilon => (0, 1),
            // x̂0 = x/(σ²+1) − σ·v/√(σ²+1)  ⇒  dx/dσ = σ·x/(σ²+1) + v/√(σ²+1).
            PredictionType.VPrediction => (sigma / (sigma * sigma + 1), 1 / Math.Sqrt(sigma * sigma + 1)),
            // x̂0 = output  ⇒  dx/dσ = (x − output)/σ.
            PredictionType.Sample => (1 / sigma, -1 / sigma),
            _ => throw new ArgumentOutOfRangeException(nameof(prediction), prediction, "unknown prediction type"),
        };
}
