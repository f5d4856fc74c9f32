namespace PortraitBooth.Inference.Sampling;

/// <summary>
/// The batch size and latent size of every U-Net call of one generation, in call order: rows evaluated, and their
/// size (a subject's window is smaller than the canvas), are what sampling costs.
/// </summary>
public sealed class UnetUsage
{
    private readonly List<int> _batches = [];
    private readonly List<(int Height, int Width)> _sizes = [];

    public IReadOnlyList<int> Batches => _batches;
    /// <summary>The latent height and width of each call's rows.</summary>
    public IReadOnlyList<(int Height, int Width)> Sizes => _sizes;
    public int Calls => _batches.Count;
    public int Rows => _batches.Sum();

    /// <summary>The rows counted by their share of a <paramref name="latentHeight"/>×<paramref name="latentWidth"/> canvas (a window row counts less).</summary>
    public double CanvasRows(int latentHeight, int latentWidth) =>
        _batches.Zip(_sizes, (batch, size) => batch * (double)(size.Height * size.Width) / (latentHeight * latentWidth)).Sum();

    internal void Add(int batch, int latentHeight, int latentWidth)
    {
        _batches.Add(batch);
        _sizes.Add((latentHeight, latentWidth));
    }
}
