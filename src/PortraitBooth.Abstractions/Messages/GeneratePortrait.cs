namespace PortraitBooth.Abstractions.Messages;

/// <summary>The command a worker consumes: the job grain holds the request, so the message carries only ids.</summary>
public sealed record GeneratePortrait(string JobId, string TenantId, int Attempt);
