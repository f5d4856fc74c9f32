using Microsoft.ML.OnnxRuntime;
using PortraitBooth.Inference.Execution;
using PortraitBooth.Inference.Packs;
using PortraitBooth.Testing;

namespace PortraitBooth.Inference.Tests.Execution;

public sealed class ExecutionPlanTests(GeneratedPacks packs)
{
    [Fact]
    public void By_default_sessions_run_on_the_cpu_with_onnx_runtimes_defaults()
    {
        var plan = ExecutionPlan.From(new ExecutionSettings());

        Assert.Equal(ExecutionProviderKind.Cpu, plan.Provider);
        Assert.Equal("cpu", plan.Device);
        Assert.Empty(plan.CudaOptions);
        Assert.Equal(GraphOptimizationLevel.ORT_ENABLE_ALL, plan.GraphOptimization);
        Assert.Null(plan.FallbackReason);
        Assert.Same(plan, ExecutionProviderCheck.Resolve(plan));
    }

    [Fact]
    public void Pool_threads_do_not_spin_between_operators_unless_asked()
    {
        Assert.Equal(new Dictionary<string, string>
        {
            ["session.intra_op.allow_spinning"] = "0", ["session.inter_op.allow_spinning"] = "0",
        }, ExecutionPlan.From(new ExecutionSettings()).SessionConfig);
        Assert.All(ExecutionPlan.From(new ExecutionSettings { SpinWait = true }).SessionConfig.Values, value => Assert.Equal("1", value));
    }

    [Fact]
    public void Cuda_carries_its_device_and_provider_options()
    {
        var plan = ExecutionPlan.From(new ExecutionSettings
        {
            ExecutionProvider = "cuda", DeviceId = 1, CudaArenaExtendStrategy = "sameAsRequested",
            CudnnConvolutionSearch = "heuristic", CudaMemoryLimitMiB = 2048,
        });

        Assert.Equal(ExecutionProviderKind.Cuda, plan.Provider);
        Assert.Equal("cuda:1", plan.Device);
        Assert.Equal(new Dictionary<string, string>
        {
            ["device_id"] = "1", ["arena_extend_strategy"] = "kSameAsRequested",
            ["cudnn_conv_algo_search"] = "HEURISTIC", ["gpu_mem_limit"] = "2147483648",
        }, plan.CudaOptions);
    }

    [Fact]
    public void The_session_settings_reach_the_sessions_a_pack_opens()
    {
        var plan = ExecutionPlan.From(new ExecutionSettings { GraphOptimization = "basic", IntraOpThreads = 1, InterOpThreads = 1 });
        using (var options = plan.CreateSessionOptions())
        {
            Assert.Equal(GraphOptimizationLevel.ORT_ENABLE_BASIC, options.GraphOptimizationLevel);
            Assert.Equal(1, options.IntraOpNumThreads);
            Assert.Equal(1, options.InterOpNumThreads);
        }
        using var pack = ModelPack.Open(packs.Tiny.Folder, plan);
        Assert.NotEmpty(pack.Manifest.Models);
    }

    [Theory]
    [InlineData("ExecutionProvider", "tpu", "expected cpu, cuda")]
    [InlineData("Fallback", "gpu", "expected none, cpu")]
    [InlineData("GraphOptimization", "max", "expected all, extended, basic, disabled")]
    [InlineData("CudnnConvolutionSearch", "fast", "expected exhaustive, heuristic, default")]
    [InlineData("DeviceId", "-1", "cannot be negative")]
    [InlineData("IntraOpThreads", "-2", "cannot be negative")]
    public void A_setting_it_cannot_have_is_refused_by_name(string setting, string value, string expected)
    {
        var settings = new ExecutionSettings();
        var property = typeof(ExecutionSettings).GetProperty(setting)!;
        property.SetValue(settings, property.PropertyType == typeof(int) ? int.Parse(value) : value);

        var refused = Assert.Throws<ArgumentException>(() => ExecutionPlan.From(settings));
        Assert.StartsWith($"PortraitBooth:Inference:{setting} is ", refused.Message);
        Assert.Contains(expected, refused.Message);
    }

    [Fact]
    public void Cuda_on_the_cpu_build_is_refused_naming_the_missing_package_or_falls_back_when_allowed()
    {
        if (OrtEnv.Instance().GetAvailableProviders().Contains(ExecutionPlan.CudaProviderName))
            Assert.Skip("this test process has ONNX Runtime's GPU package; the CPU build's refusal cannot be seen here");

        var cuda = ExecutionPlan.From(new ExecutionSettings { ExecutionProvider = "cuda" });
        var refused = Assert.Throws<ExecutionProviderUnavailableException>(() => ExecutionProviderCheck.Resolve(cuda));
        Assert.Contains("this build has ONNX Runtime's CPU package", refused.Message);
        Assert.Contains("Fallback=cpu", refused.Message);

        var fallback = ExecutionProviderCheck.Resolve(ExecutionPlan.From(new ExecutionSettings { ExecutionProvider = "cuda", Fallback = "cpu" }));
        Assert.Equal(ExecutionProviderKind.Cpu, fallback.Provider);
        Assert.Empty(fallback.CudaOptions);
        Assert.Contains("CPU package", fallback.FallbackReason);
    }
}
