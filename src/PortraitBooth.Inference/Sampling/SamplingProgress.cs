namespace PortraitBooth.Inference.Sampling;

/// <summary>Reported after each denoising step.</summary>
public readonly record struct SamplingProgress(int Step, int TotalSteps, double Timestep);
