namespace PortraitBooth.Worker.Running;

/// <summary>A job names an identity (or photo) that no longer exists: a permanent failure of the job.</summary>
public sealed class IdentityMissingException(string message) : Inference.RequestException(message);
