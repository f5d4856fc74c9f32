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
        if (masks.Count == 0) throw new ArgumentException($"{predictions.Count} predictions for {masks.Count} masks");
        var pixels = masks[0].Length; // the canvas as one row of its pixels, every window the whole of it
        Blend(predictions, masks, Enumerable.Repeat(new LatentWindow(0, 0, pixels, 1), masks.Count).ToList(), 1, pixels, destination);
    }

    /// <param name="predictions">Per region, [C·h·w] of its window.</param>
    /// <param name="windows">Where each region's prediction lies on the canvas; its mask is 0 outside it.</param>
    internal static void Blend(IReadOnlyList<float[]> predictions, IReadOnlyList<float[]> masks, IReadOnlyList<LatentWindow> windows,
        int latentHeight, int latentWidth, Span<float> destination)
    {
        if (predictions.Count != masks.Count || masks.Count == 0 || windows.Count != masks.Count)
            throw new ArgumentException($"{predictions.Count} predictions for {masks.Count} masks");
        var pixels = latentHeight * latentWidth;
        if (pixels == 0 || masks[0].Length != pixels || destination.Length % pixels != 0)
            throw new ArgumentException($"a destination of {destination.Length} values is not whole channels of {masks[0].Length} pixels");
        var channels = destination.Length / pixels;
        destination.Clear();
        for (var r = 0; r < masks.Count; r++)
        {
            var (mask, prediction, window) = (masks[r], predictions[r], windows[r]);
            for (var y = 0; y < window.Height; y++)
                for (var x = 0; x < window.Width; x++)
                {
                    var p = (window.Y + y) * latentWidth + window.X + x;
                    var m = mask[p];
                    if (m == 0) continue;
                    for (var c = 0; c < channels; c++)
                        destination[c * pixels + p] += m * prediction[(c * window.Height + y) * window.Width + x];
                }
        }
        for (var p = 0; p < pixels; p++)
        {
            var total = 0f;
            foreach (var mask in masks) total += mask[p];
            for (var c = 0; c < channels; c++)
                destination[c * pixels + p] = total > 0 ? destination[c * pixels + p] / total : 0f;
        }
    }
}
