namespace PortraitBooth.Worker.Packs;

/// <summary>A job names a pack this worker does not have (a permanent failure of the job).</summary>
public sealed class UnknownPackException(string message) : Exception(message);
