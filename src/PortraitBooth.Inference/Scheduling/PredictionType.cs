namespace PortraitBooth.Inference.Scheduling;

/// <summary>What the model predicts (diffusers' <c>prediction_type</c>).</summary>
public enum PredictionType
{
    /// <summary>"epsilon": the added noise (SD 1.5).</summary>
    Epsilon,
    /// <summary>"v_prediction": v = α·ε − σ_t·x0 (SD 2.x 768).</summary>
    VPrediction,
    /// <summary>"sample": the clean sample x0.</summary>
    Sample,
}

internal static class PredictionTypes
{
    private static readonly Dictionary<string, PredictionType> ByName = new()
    {
        ["epsilon"] = PredictionType.Epsilon,
        ["v_prediction"] = PredictionType.VPrediction,
        ["sample"] = PredictionType.Sample,
    };

    public static PredictionType Parse(string name) => ConfigChoice.Parse(name, "prediction_type", ByName);
}
