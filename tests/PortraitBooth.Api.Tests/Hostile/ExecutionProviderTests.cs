using PortraitBooth.Testing;

namespace PortraitBooth.Api.Tests.Hostile;

/// <summary>Where ONNX Runtime runs is checked before the host serves: a wrong setting or a CUDA that cannot start stops it with a clear message.</summary>
public sealed class ExecutionProviderTests(GeneratedPacks packs, ConvertedFaceModels faceModels)
{
    [Theory]
    [InlineData("ExecutionProvider=tpu", "PortraitBooth:Inference:ExecutionProvider is 'tpu': expected cpu, cuda")]
    [InlineData("DeviceId=-1", "PortraitBooth:Inference:DeviceId is -1: it cannot be negative")]
    [InlineData("Fallback=gpu", "PortraitBooth:Inference:Fallback is 'gpu': expected none, cpu")]
    public async Task A_setting_it_cannot_have_stops_the_host_at_start(string setting, string expected)
    {
        var refused = await HostFixture.ExpectRefusedAtStart(packs, faceModels, $"--PortraitBooth:Inference:{setting}");
        Assert.Contains(expected, refused.Message);
    }

    [Fact]
    public async Task Cuda_on_the_cpu_build_stops_the_host_naming_the_missing_package()
    {
        var refused = await HostFixture.ExpectRefusedAtStart(packs, faceModels, "--PortraitBooth:Inference:ExecutionProvider=cuda");
        Assert.Contains("cuda was asked for, but this build has ONNX Runtime's CPU package", refused.Message);
        Assert.Contains("PortraitBooth:Inference:Fallback=cpu", refused.Message);
    }
}
