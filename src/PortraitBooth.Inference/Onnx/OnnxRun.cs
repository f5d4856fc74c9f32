using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;

namespace PortraitBooth.Inference.Onnx;

/// <summary>
/// Runs a session on pre-bound buffers (no per-call allocation of tensors) and adds the time spent inside
/// ONNX Runtime to an optional <see cref="OnnxTimer"/>, so benchmarks can compare it with the total.
/// </summary>
public static class OnnxRun
{
    private static readonly RunOptions SharedRunOptions = new();

    public static void Run(InferenceSession session,
        IReadOnlyList<(string Name, OrtBuffer Buffer)> inputs,
        IReadOnlyList<(string Name, OrtBuffer Buffer)> outputs,
        OnnxTimer? timer = null)
    {
        foreach (var (_, buffer) in inputs) buffer.ToGraph();
        var started = Stopwatch.GetTimestamp();
        session.Run(SharedRunOptions,
            inputs.Select(i => i.Name).ToArray(), inputs.Select(i => i.Buffer.Value).ToArray(),
            outputs.Select(o => o.Name).ToArray(), outputs.Select(o => o.Buffer.Value).ToArray());
        timer?.Add(Stopwatch.GetElapsedTime(started));
        foreach (var (_, buffer) in outputs) buffer.FromGraph();
    }
}

/// <summary>Sums the wall time spent inside ONNX Runtime's Run.</summary>
public sealed class OnnxTimer
{
    private long _ticks;
    private int _calls;
    public TimeSpan Total => TimeSpan.FromTicks(Interlocked.Read(ref _ticks));
    public int Calls => _calls;

    public void Add(TimeSpan elapsed)
    {
        Interlocked.Add(ref _ticks, elapsed.Ticks);
        Interlocked.Increment(ref _calls);
    }
}
