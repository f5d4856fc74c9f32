namespace PortraitBooth.Inference.Sampling;

/// <summary>The batch size of every U-Net call of one generation, in call order: rows evaluated are what sampling costs.</summary>
public sealed class UnetUsage
{
    private readonly List<int> _batches = [];

    public IReadOnlyList<int> Batches => _batches;
    public int Calls => _batches.Count;
    public int Rows => _batches.Sum();

    internal void Add(int batch) => _batches.Add(batch);
}
