using System.Diagnostics;

namespace PortraitBooth.Abstractions.Telemetry;

/// <summary>
/// The platform's activity source: the worker's spans of a job (run, conditioning, result store). The API request,
/// grain calls and the queue have their own sources (ASP.NET Core, Orleans, MassTransit), and sampling has
/// PortraitBooth.Inference's; a host subscribes to each by name.
/// </summary>
public static class PlatformTracing
{
    public const string SourceName = "PortraitBooth";

    public static readonly ActivitySource Source = new(SourceName);
}
