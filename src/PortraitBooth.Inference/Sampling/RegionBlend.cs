namespace PortraitBooth.Inference.Sampling;

/// <summary>
/// MultiDiffusion's blend of the regions' guided predictions: Σ m_r ε_r / Σ m_r per latent pixel, in every channel.
/// For non-negative masks one scheduler step on the blend equals the mask-weighted average of per-region steps.
/// </summary>
public static class RegionBlend
{
    /// <param name="predictions">Per region, [C·h·w].</param>
    /// <param name="masks">Per region, [h·w], non-negative.</param>
    /// <param name="destination">[C·h·w]; 0 where no mask covers a pixel.</param>
    public static void Blend(IReadOnlyList<float[]> predictions, IReadOnlyList<float[]> masks, Span<float> destination)
    {
        if (predictions.Count != masks.Count || masks.Count == 0)
            throw new ArgumentException($"{predictions.Count} predictions for {masks.Count} masks");
        var pixels = masks[0].Length;
        if (pixels == 0 || destination.Length % pixels != 0)
            throw new ArgumentException($"a destination of {destination.Length} values is not whole channels of {pixels} pixels");
        var channels = destination.Length / pixels;
        for (var p = 0; p < pixels; p++)
        {
            var total = 0f;
            foreach (var mask in masks) total += mask[p];
            for (var c = 0; c < channels; c++)
            {
                var index = c * pixels + p;
                var sum = 0f;
                for (var r = 0; r < masks.Count; r++) sum += masks[r][p] * predictions[r][index];
                destination[index] = total > 0 ? sum / total : 0f;
            }
        }
    }
}
