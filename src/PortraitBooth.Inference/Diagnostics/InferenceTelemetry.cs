using System.Diagnostics;
using System.Diagnostics.Metrics;
using PortraitBooth.Inference.Execution;

namespace PortraitBooth.Inference.Diagnostics;

/// <summary>
/// The pipeline's own spans and timings, on the BCL's <see cref="ActivitySource"/> and <see cref="Meter"/> (this
/// library has no DI and no OpenTelemetry dependency; a host subscribes by <see cref="SourceName"/>). Static, as the
/// BCL advises for libraries: nothing is created or recorded unless something listens.
/// </summary>
public static class InferenceTelemetry
{
    /// <summary>The name of both the activity source and the meter.</summary>
    public const string SourceName = "PortraitBooth.Inference";

    public const string StepDurationName = "portraitbooth.sampling.step.duration";
    public const string ImageDurationName = "portraitbooth.sampling.image.duration";
    public const string FaceAnalysisDurationName = "portraitbooth.face.analysis.duration";
    public const string CpuFallbackName = "portraitbooth.inference.cpu_fallback";
    /// <summary>Tag: the pack's manifest name.</summary>
    public const string PackTag = "pack";

    public static readonly ActivitySource Source = new(SourceName);
    private static readonly Meter Meter = new(SourceName);

    /// <summary>One denoising step: the guided U-Net prediction and the scheduler step.</summary>
    public static readonly Histogram<double> StepDuration = Meter.CreateHistogram<double>(StepDurationName, "s",
        "Time of one denoising step (guided U-Net call and scheduler step)");

    /// <summary>One image: conditioning, every step and the VAE decode.</summary>
    public static readonly Histogram<double> ImageDuration = Meter.CreateHistogram<double>(ImageDurationName, "s",
        "Time to generate one image (conditioning, sampling, decode)");

    /// <summary>Detect, landmarks, align and φ of the largest face of one photo.</summary>
    public static readonly Histogram<double> FaceAnalysisDuration = Meter.CreateHistogram<double>(FaceAnalysisDurationName, "s",
        "Time to find, align and embed the largest face of one photo");

    private static ExecutionPlan? _execution;

    /// <summary>1 while this process runs on the CPU because CUDA was asked for and could not start, else 0; tag <c>device</c>.</summary>
    public static readonly ObservableGauge<int> CpuFallback = Meter.CreateObservableGauge(CpuFallbackName, ObserveFallback, null,
        "1 when CUDA was asked for and sessions run on the CPU instead");

    /// <summary>The plan this process's sessions run with, for <see cref="CpuFallbackName"/>.</summary>
    public static void RecordExecution(ExecutionPlan plan) => Volatile.Write(ref _execution, plan);

    private static IEnumerable<Measurement<int>> ObserveFallback()
    {
        if (Volatile.Read(ref _execution) is not { } plan) yield break;
        yield return new Measurement<int>(plan.FallbackReason is null ? 0 : 1, new KeyValuePair<string, object?>("device", plan.Device));
    }

    public static KeyValuePair<string, object?> Pack(string name) => new(PackTag, name);
}
