using System.Collections.Concurrent;
using Microsoft.ML.OnnxRuntime;

namespace PortraitBooth.Inference.Execution;

/// <summary>The asked-for provider cannot run in this process; the message says what is missing.</summary>
public sealed class ExecutionProviderUnavailableException(string message) : Exception(message);

/// <summary>
/// Makes sure a plan's provider really starts here before any pack is opened: the CUDA provider must be in this
/// build, load its CUDA and cuDNN libraries, and open a session on the device. Checked once per process and
/// device (the answer cannot change while the process lives).
/// </summary>
public static class ExecutionProviderCheck
{
    // A one-node graph (Identity, float[1], opset 17, IR 8) written by python3-onnx's helper: the smallest
    // session that makes CUDA initialise the device.
    private static readonly byte[] ProbeModel = Convert.FromBase64String(
        "CAg6OwoQCgF4EgF5IghJZGVudGl0eRIFcHJvYmVaDwoBeBIKCggIARIECgIIAWIPCgF5EgoKCAgBEgQKAggBQgQKABAR");

    private static readonly ConcurrentDictionary<int, string?> CudaProblems = new();

    /// <summary>
    /// The plan to run with: <paramref name="plan"/> itself when its provider starts; on CPU with the reason when
    /// it does not and the plan allows falling back.
    /// </summary>
    /// <exception cref="ExecutionProviderUnavailableException">The provider cannot start and no fallback is allowed.</exception>
    public static ExecutionPlan Resolve(ExecutionPlan plan)
    {
        if (plan.Provider == ExecutionProviderKind.Cpu) return plan;
        var problem = CudaProblems.GetOrAdd(plan.DeviceId, _ => CudaProblem(plan));
        if (problem is null) return plan;
        if (plan.FallBackToCpu) return plan.OnCpuBecause(problem);
        throw new ExecutionProviderUnavailableException(
            $"{problem} (set {ExecutionSettings.Section}:Fallback=cpu to run on the CPU instead)");
    }

    /// <summary>Why CUDA cannot run the plan's sessions here, or null when it can.</summary>
    private static string? CudaProblem(ExecutionPlan plan)
    {
        if (!OrtEnv.Instance().GetAvailableProviders().Contains(ExecutionPlan.CudaProviderName))
            return "cuda was asked for, but this build has ONNX Runtime's CPU package: build with -p:OnnxRuntimeFlavor=Gpu " +
                   "(deploy/Dockerfile.gpu) for Microsoft.ML.OnnxRuntime.Gpu";
        try
        {
            using var options = plan.CreateSessionOptions();
            using var session = new InferenceSession(ProbeModel, options);
            return null;
        }
        catch (OnnxRuntimeException e)
        {
            return $"cuda was asked for, but ONNX Runtime's CUDA provider cannot start on device {plan.DeviceId}: {e.Message} " +
                   "(ONNX Runtime 1.32's GPU package needs the CUDA 13 and cuDNN 9 libraries on the library path, a driver for CUDA 13 " +
                   "and that NVIDIA device visible: deploy/Dockerfile.gpu)";
        }
    }
}
