using PortraitBooth.Inference.Sampling;

namespace PortraitBooth.Inference.Tests.Sampling;

/// <summary>Reports on the sampling thread (System.Progress would post to the thread pool and arrive late).</summary>
internal sealed class InlineProgress(Action<SamplingProgress> report) : IProgress<SamplingProgress>
{
    public void Report(SamplingProgress value) => report(value);
}
