namespace PortraitBooth.Inference.Packs;

/// <summary>A request or job names a pack that is not installed: a request error (400 in the API, a permanent job failure in the worker).</summary>
public sealed class UnknownPackException(string message) : RequestException(message);
