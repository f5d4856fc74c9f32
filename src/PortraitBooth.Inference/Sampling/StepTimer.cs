using System.Diagnostics;
using PortraitBooth.Inference.Diagnostics;

namespace PortraitBooth.Inference.Sampling;

/// <summary>
/// Records each denoising step's time as the interval since the previous step's report (the first: since sampling
/// began, so a multi-subject sampler's set-up counts in it), then passes the report on. Every sampler reports each
/// step, so one timer serves them all.
/// </summary>
internal sealed class StepTimer(IProgress<SamplingProgress>? next, KeyValuePair<string, object?> packTag) : IProgress<SamplingProgress>
{
    private long _previous = Stopwatch.GetTimestamp();

    public void Report(SamplingProgress value)
    {
        var now = Stopwatch.GetTimestamp();
        InferenceTelemetry.StepDuration.Record(Stopwatch.GetElapsedTime(_previous, now).TotalSeconds, packTag);
        _previous = now;
        next?.Report(value);
    }
}
