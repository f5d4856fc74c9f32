namespace PortraitBooth.Inference.Execution;

/// <summary>
/// Where ONNX Runtime runs every session of this process (model packs and face networks), bound from the
/// <c>PortraitBooth:Inference</c> section. Names are checked by <see cref="ExecutionPlan.From"/>, which says which
/// setting is wrong.
/// </summary>
public sealed class ExecutionSettings
{
    public const string Section = "PortraitBooth:Inference";

    /// <summary><c>cpu</c> (default) or <c>cuda</c>.</summary>
    public string ExecutionProvider { get; set; } = "cpu";

    /// <summary>The CUDA device ordinal.</summary>
    public int DeviceId { get; set; }

    /// <summary><c>none</c> (default: a provider that cannot start stops the process) or <c>cpu</c> (run on CPU and say so).</summary>
    public string Fallback { get; set; } = "none";

    /// <summary>How CUDA's memory arena grows: <c>nextPowerOfTwo</c> (ONNX Runtime's default) or <c>sameAsRequested</c>.</summary>
    public string CudaArenaExtendStrategy { get; set; } = "nextPowerOfTwo";

    /// <summary>Most device memory CUDA's arena may take, in MiB; 0 = no limit.</summary>
    public long CudaMemoryLimitMiB { get; set; }

    /// <summary>cuDNN's convolution algorithm search: <c>exhaustive</c> (ONNX Runtime's default), <c>heuristic</c> or <c>default</c>.</summary>
    public string CudnnConvolutionSearch { get; set; } = "exhaustive";

    /// <summary>Graph optimizations: <c>all</c> (default), <c>extended</c>, <c>basic</c> or <c>disabled</c>.</summary>
    public string GraphOptimization { get; set; } = "all";

    /// <summary>Threads inside one operator; 0 = ONNX Runtime's choice (one per physical core).</summary>
    public int IntraOpThreads { get; set; }

    /// <summary>Threads across independent operators; 0 = ONNX Runtime's choice.</summary>
    public int InterOpThreads { get; set; }

    /// <summary>
    /// Whether ONNX Runtime's pool threads spin after an operator waiting for the next (its default). Off here: a
    /// silo runs many short sessions side by side, and measured on 2 cores the spinning took ~40% of the CPU of the
    /// platform bench, time the other jobs needed.
    /// </summary>
    public bool SpinWait { get; set; }
}
