using Microsoft.ML.OnnxRuntime;

namespace PortraitBooth.Inference.Execution;

public enum ExecutionProviderKind { Cpu, Cuda }

/// <summary>
/// How every ONNX Runtime session of this process is made: the provider and device, CUDA's provider options and
/// the session settings. An inspectable value (ONNX Runtime's <see cref="SessionOptions"/> list no appended
/// providers); <see cref="CreateSessionOptions"/> turns it into options, the one place sessions get theirs.
/// </summary>
/// <param name="CudaOptions">ONNX Runtime's CUDA provider option names and values (empty on CPU).</param>
/// <param name="FallbackReason">Why CUDA was asked for and CPU is used instead; null when running as asked.</param>
public sealed record ExecutionPlan(
    ExecutionProviderKind Provider,
    int DeviceId,
    IReadOnlyDictionary<string, string> CudaOptions,
    GraphOptimizationLevel GraphOptimization,
    int IntraOpThreads,
    int InterOpThreads,
    bool SpinWait,
    bool FallBackToCpu,
    string? FallbackReason = null)
{
    public const string CudaProviderName = "CUDAExecutionProvider";

    /// <summary>ONNX Runtime's defaults on the CPU.</summary>
    public static ExecutionPlan Cpu { get; } = From(new ExecutionSettings());

    /// <summary>Where sessions run, as the dashboard and the CLI show it: <c>cpu</c> or <c>cuda:N</c>.</summary>
    public string Device => Provider == ExecutionProviderKind.Cuda ? $"cuda:{DeviceId}" : "cpu";

    /// <summary>
    /// The plan for <paramref name="settings"/>, without touching a device.
    /// </summary>
    /// <exception cref="ArgumentException">A setting has a value it cannot have; the message names the setting.</exception>
    public static ExecutionPlan From(ExecutionSettings settings)
    {
        var provider = Choice(settings.ExecutionProvider, nameof(settings.ExecutionProvider),
            ("cpu", ExecutionProviderKind.Cpu), ("cuda", ExecutionProviderKind.Cuda));
        var fallBack = Choice(settings.Fallback, nameof(settings.Fallback), ("none", false), ("cpu", true));
        var optimization = Choice(settings.GraphOptimization, nameof(settings.GraphOptimization),
            ("all", GraphOptimizationLevel.ORT_ENABLE_ALL), ("extended", GraphOptimizationLevel.ORT_ENABLE_EXTENDED),
            ("basic", GraphOptimizationLevel.ORT_ENABLE_BASIC), ("disabled", GraphOptimizationLevel.ORT_DISABLE_ALL));
        var arena = Choice(settings.CudaArenaExtendStrategy, nameof(settings.CudaArenaExtendStrategy),
            ("nextPowerOfTwo", "kNextPowerOfTwo"), ("sameAsRequested", "kSameAsRequested"));
        var search = Choice(settings.CudnnConvolutionSearch, nameof(settings.CudnnConvolutionSearch),
            ("exhaustive", "EXHAUSTIVE"), ("heuristic", "HEURISTIC"), ("default", "DEFAULT"));
        NotNegative(settings.DeviceId, nameof(settings.DeviceId));
        NotNegative(settings.CudaMemoryLimitMiB, nameof(settings.CudaMemoryLimitMiB));
        NotNegative(settings.IntraOpThreads, nameof(settings.IntraOpThreads));
        NotNegative(settings.InterOpThreads, nameof(settings.InterOpThreads));

        var cuda = new Dictionary<string, string>(StringComparer.Ordinal);
        if (provider == ExecutionProviderKind.Cuda)
        {
            cuda["device_id"] = settings.DeviceId.ToString(System.Globalization.CultureInfo.InvariantCulture);
            cuda["arena_extend_strategy"] = arena;
            cuda["cudnn_conv_algo_search"] = search;
            if (settings.CudaMemoryLimitMiB > 0)
                cuda["gpu_mem_limit"] = (settings.CudaMemoryLimitMiB * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        return new ExecutionPlan(provider, settings.DeviceId, cuda, optimization, settings.IntraOpThreads, settings.InterOpThreads, settings.SpinWait, fallBack);
    }

    /// <summary>The same session settings on the CPU, for when CUDA cannot start and the fallback allows it.</summary>
    public ExecutionPlan OnCpuBecause(string reason) =>
        this with { Provider = ExecutionProviderKind.Cpu, CudaOptions = new Dictionary<string, string>(), FallbackReason = reason };

    /// <summary>ONNX Runtime's session configuration entries this plan sets.</summary>
    public IReadOnlyDictionary<string, string> SessionConfig => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["session.intra_op.allow_spinning"] = SpinWait ? "1" : "0",
        ["session.inter_op.allow_spinning"] = SpinWait ? "1" : "0",
    };

    /// <summary>New options for one session; the caller disposes them once the session exists.</summary>
    public SessionOptions CreateSessionOptions()
    {
        var options = new SessionOptions { GraphOptimizationLevel = GraphOptimization };
        try
        {
            if (IntraOpThreads > 0) options.IntraOpNumThreads = IntraOpThreads;
            if (InterOpThreads > 0) options.InterOpNumThreads = InterOpThreads;
            foreach (var (key, value) in SessionConfig) options.AddSessionConfigEntry(key, value);
            if (Provider == ExecutionProviderKind.Cuda)
            {
                using var cuda = new OrtCUDAProviderOptions();
                cuda.UpdateOptions(CudaOptions.ToDictionary());
                options.AppendExecutionProvider_CUDA(cuda);
            }
            return options;
        }
        catch
        {
            options.Dispose();
            throw;
        }
    }

    /// <summary>A session on <paramref name="modelPath"/> with this plan's options.</summary>
    public InferenceSession OpenSession(string modelPath)
    {
        using var options = CreateSessionOptions();
        return new InferenceSession(modelPath, options);
    }

    private static T Choice<T>(string? value, string setting, params (string Name, T Value)[] choices)
    {
        foreach (var (name, chosen) in choices)
            if (string.Equals(value, name, StringComparison.OrdinalIgnoreCase)) return chosen;
        throw new ArgumentException(
            $"{ExecutionSettings.Section}:{setting} is '{value}': expected {string.Join(", ", choices.Select(c => c.Name))}");
    }

    private static void NotNegative(long value, string setting)
    {
        if (value < 0) throw new ArgumentException($"{ExecutionSettings.Section}:{setting} is {value}: it cannot be negative");
    }
}
