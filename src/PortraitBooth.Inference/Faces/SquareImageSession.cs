using Microsoft.ML.OnnxRuntime;

namespace PortraitBooth.Inference.Faces;

/// <summary>
/// A face-api network in ONNX Runtime: a batch of square planar RGB images [B,3,S,S] in, one [B,N] float output.
/// The names and sizes come from the session's metadata, so the runners hold no constants of the graphs.
/// </summary>
internal sealed class SquareImageSession : IDisposable
{
    private static readonly RunOptions SharedRunOptions = new();

    private readonly InferenceSession _session;
    private readonly bool _ownsSession;
    private readonly string _inputName;
    private readonly string _outputName;

    public SquareImageSession(InferenceSession session, bool ownsSession)
    {
        (_session, _ownsSession) = (session, ownsSession);
        var (inputName, input) = session.InputMetadata.Single();
        var (outputName, output) = session.OutputMetadata.Single();
        var inputDims = input.Dimensions;
        if (inputDims is not [_, 3, var height, var width] || height <= 0 || height != width)
            throw new ArgumentException($"input '{inputName}' is [{string.Join(",", inputDims)}], not a square RGB batch [B,3,S,S]");
        if (output.Dimensions is not [_, > 0])
            throw new ArgumentException($"output '{outputName}' is [{string.Join(",", output.Dimensions)}], not [B,N]");
        (_inputName, _outputName, Side, OutputWidth) = (inputName, outputName, height, output.Dimensions[1]);
    }

    public int Side { get; }
    public int OutputWidth { get; }

    /// <summary>Runs <paramref name="batch"/> planar images (NCHW, RGB 0..255); one output row per image.</summary>
    public float[][] Run(float[] images, int batch)
    {
        if (batch < 1 || images.Length != batch * 3 * Side * Side)
            throw new ArgumentException($"{images.Length} values are not {batch} image(s) of 3x{Side}x{Side}");
        using var input = OrtValue.CreateTensorValueFromMemory(images, [batch, 3, Side, Side]);
        using var outputs = _session.Run(SharedRunOptions, [_inputName], [input], [_outputName]);
        var values = outputs[0].GetTensorDataAsSpan<float>();
        var rows = new float[batch][];
        for (var b = 0; b < batch; b++) rows[b] = values.Slice(b * OutputWidth, OutputWidth).ToArray();
        return rows;
    }

    public void Dispose()
    {
        if (_ownsSession) _session.Dispose();
    }
}
