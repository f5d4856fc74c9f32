using PortraitBooth.Testing;

namespace PortraitBooth.Distributed.Tests;

/// <summary>The host process itself, as an operator starts it: a setting that cannot work ends it with one line.</summary>
public sealed class HostStartTests
{
    [Fact]
    public void Cuda_on_the_cpu_build_ends_the_host_with_one_error_line_and_no_stack_trace()
    {
        var result = ChildProcess.Run("dotnet",
            [TestServices.HostDll(), "--urls=http://127.0.0.1:0", "--PortraitBooth:Inference:ExecutionProvider=cuda", "--Logging:LogLevel:Default=None"],
            Path.GetTempPath(), TimeSpan.FromMinutes(2));

        Assert.True(result.ExitCode == 1, $"exit {result.ExitCode}\n{result.Stdout}\n{result.Stderr}");
        var line = Assert.Single(result.Stderr.Trim().Split('\n'));
        Assert.StartsWith("error: ", line);
        Assert.Contains("cuda was asked for, but this build has ONNX Runtime's CPU package", line);
        Assert.DoesNotContain("   at ", result.Stdout + result.Stderr);
    }
}
