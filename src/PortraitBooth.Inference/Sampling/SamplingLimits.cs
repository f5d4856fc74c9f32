namespace PortraitBooth.Inference.Sampling;

/// <summary>A deployment's limits on sampling (not per request).</summary>
/// <param name="MaxSubjects">Most faces (subjects) in one image.</param>
/// <param name="UnetBatchLimit">Most rows in one U-Net call; a step with more rows is split into several calls.</param>
public sealed record SamplingLimits(int MaxSubjects = RequestLimits.DefaultMaxSubjects, int UnetBatchLimit = 16);
