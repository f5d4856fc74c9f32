using PortraitBooth.Inference.Onnx;
using PortraitBooth.Inference.Packs;

namespace PortraitBooth.Inference.Sampling;

/// <summary>One U-Net input row: an (unscaled) latent [C·h·w] and its encoder hidden states [MaxLength·TokenWidth].</summary>
internal readonly record struct UnetRow(float[] Latent, float[] Conditioning);

/// <summary>
/// Runs a step's U-Net rows in as few calls as allowed: each group of rows in calls of at most the batch limit.
/// A U-Net exported with a fixed batch size is always called with that size (the last call padded by repeating
/// a row). Buffers are allocated once per batch size and reused every step.
/// </summary>
internal sealed class UnetRows(ModelPack pack, int latentHeight, int latentWidth, int batchLimit, OnnxTimer timer, UnetUsage usage)
    : IDisposable
{
    private readonly int? _fixedBatch = pack.Spec(PackModels.Unet).Inputs["sample"].Shape[0].Size;
    private readonly Dictionary<int, UnetRunner> _runners = [];

    private int Limit => _fixedBatch ?? batchLimit;

    /// <summary>Predictions of <paramref name="rows"/> into <paramref name="outputs"/> (same index); no call spans two groups.</summary>
    public void Run(IReadOnlyList<UnetRow> rows, int groupSize, float inputScale, double timestep, IReadOnlyList<float[]> outputs)
    {
        for (var group = 0; group < rows.Count; group += groupSize)
        {
            var end = Math.Min(group + groupSize, rows.Count);
            for (var first = group; first < end; first += Limit)
                RunCall(rows, first, Math.Min(Limit, end - first), inputScale, timestep, outputs);
        }
    }

    private void RunCall(IReadOnlyList<UnetRow> rows, int first, int count, float inputScale, double timestep, IReadOnlyList<float[]> outputs)
    {
        var runner = Runner(_fixedBatch ?? count);
        for (var slot = 0; slot < runner.Batch; slot++)
        {
            var row = rows[first + Math.Min(slot, count - 1)];
            var sample = runner.Sample.Floats.Slice(slot * row.Latent.Length, row.Latent.Length);
            for (var i = 0; i < sample.Length; i++) sample[i] = row.Latent[i] * inputScale;
            row.Conditioning.CopyTo(runner.EncoderStates.Floats[(slot * row.Conditioning.Length)..]);
        }
        runner.Run(timestep);
        for (var slot = 0; slot < count; slot++)
        {
            var output = outputs[first + slot];
            runner.Output.Floats.Slice(slot * output.Length, output.Length).CopyTo(output);
        }
    }

    private UnetRunner Runner(int batch)
    {
        if (!_runners.TryGetValue(batch, out var runner))
            _runners[batch] = runner = new UnetRunner(pack, batch, latentHeight, latentWidth, timer, usage);
        return runner;
    }

    public void Dispose()
    {
        foreach (var runner in _runners.Values) runner.Dispose();
    }
}
