using System.CommandLine;
using PortraitBooth.Inference.Execution;

namespace PortraitBooth.Cli;

internal static class CommonOptions
{
    public static Option<string?> Pack() => new("--pack")
    {
        Description = "A model pack folder (default: the embedded tiny pack, models/tiny, created on first use).",
    };

    public static Option<string?> Device() => new("--device")
    {
        Description = "Where ONNX Runtime runs: cpu (default) or cuda[:N] (the GPU build, device N, default 0).",
    };

    /// <summary>The plan for a <c>--device</c> value, checked on this machine: a CUDA that cannot start is an error here.</summary>
    public static ExecutionPlan Execution(string? device)
    {
        var settings = new ExecutionSettings();
        switch (device?.Split(':', 2))
        {
            case null or ["cpu"]:
                break;
            case ["cuda"]:
                settings.ExecutionProvider = "cuda";
                break;
            case ["cuda", var ordinal] when int.TryParse(ordinal, System.Globalization.NumberStyles.None, null, out var id):
                (settings.ExecutionProvider, settings.DeviceId) = ("cuda", id);
                break;
            default:
                throw new UsageException($"--device '{device}' must be cpu, cuda or cuda:N (N a device number)");
        }
        return ExecutionProviderCheck.Resolve(ExecutionPlan.From(settings));
    }
}
