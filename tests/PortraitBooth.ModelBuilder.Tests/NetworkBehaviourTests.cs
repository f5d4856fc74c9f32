using PortraitBooth.Testing;
using PortraitBooth.Inference.Packs;

namespace PortraitBooth.ModelBuilder.Tests;

/// <summary>The graphs compute what their architecture promises, observed through ONNX Runtime.</summary>
public sealed class NetworkBehaviourTests(GeneratedPacks packs)
{
    private const int LatentSide = 16;

    public static TheoryData<string> Roles() => new(PackModels.All);

    [Theory]
    [MemberData(nameof(Roles))]
    public void Float16_tiny_matches_float32_tiny(string role)
    {
        using var float32 = new OnnxModelRunner(packs.Tiny, role);
        using var float16 = new OnnxModelRunner(packs.TinyFloat16, role);
        var inputs = float32.MakeInputs(OnnxModelRunner.DefaultDims(LatentSide)); // float16-representable values

        var expected = float32.RunSingle(inputs);
        var actual = float16.RunSingle(inputs);

        Assert.Equal(expected.Shape, actual.Shape);
        Assert.InRange(expected.MaxAbsDifference(actual), 0f, 1e-2f);
    }

    [Fact]
    public void Unet_output_depends_on_the_text_condition()
    {
        using var unet = new OnnxModelRunner(packs.Tiny, PackModels.Unet);
        var inputs = unet.MakeInputs(OnnxModelRunner.DefaultDims(LatentSide));
        var baseline = unet.RunSingle(inputs);

        var otherText = unet.MakeInputs(OnnxModelRunner.DefaultDims(LatentSide), noiseSeed: 99)["encoder_hidden_states"];
        inputs["encoder_hidden_states"] = otherText;

        Assert.True(baseline.MaxAbsDifference(unet.RunSingle(inputs)) > 1e-3f, "cross-attention has no effect");
    }

    [Fact]
    public void Unet_output_depends_on_the_timestep()
    {
        using var unet = new OnnxModelRunner(packs.Tiny, PackModels.Unet);
        var inputs = unet.MakeInputs(OnnxModelRunner.DefaultDims(LatentSide));
        var baseline = unet.RunSingle(inputs);

        inputs["timestep"] = (inputs["timestep"].Shape, [900f]);

        Assert.True(baseline.MaxAbsDifference(unet.RunSingle(inputs)) > 1e-3f, "the time embedding has no effect");
    }

    [Fact]
    public void Unet_accepts_any_latent_size_on_its_multiple()
    {
        using var unet = new OnnxModelRunner(packs.Tiny, PackModels.Unet);
        var multiple = packs.Tiny.Manifest.Size.Multiple / packs.Tiny.Manifest.Latent.VaeScale;
        var dims = new Dictionary<string, int>(OnnxModelRunner.DefaultDims(LatentSide)) { ["h"] = 2 * multiple, ["w"] = 5 * multiple };

        var output = unet.RunSingle(unet.MakeInputs(dims));

        Assert.Equal([1L, 4, 2 * multiple, 5 * multiple], output.Shape);
    }

    [Fact]
    public void Text_encoder_is_causal()
    {
        using var encoder = new OnnxModelRunner(packs.Tiny, PackModels.TextEncoder);
        var inputs = encoder.MakeInputs(OnnxModelRunner.DefaultDims(LatentSide));
        var baseline = encoder.RunSingle(inputs);
        var ids = inputs["input_ids"].Values.ToArray();
        ids[40] = 1000; // a padding position: earlier rows must not see it
        inputs["input_ids"] = (inputs["input_ids"].Shape, ids);

        var changed = encoder.RunSingle(inputs);

        var width = (int)baseline.Shape[2];
        Assert.Equal(baseline.Values[..(40 * width)], changed.Values[..(40 * width)]);
        Assert.NotEqual(baseline.Values[(40 * width)..(41 * width)], changed.Values[(40 * width)..(41 * width)]);
    }

    [Fact]
    public void Stea_output_depends_on_the_face()
    {
        using var stea = new OnnxModelRunner(packs.Tiny, PackModels.Stea);
        var inputs = stea.MakeInputs(OnnxModelRunner.DefaultDims(LatentSide));
        var baseline = stea.RunSingle(inputs);
        inputs["face"] = stea.MakeInputs(OnnxModelRunner.DefaultDims(LatentSide), noiseSeed: 5)["face"];

        Assert.True(baseline.MaxAbsDifference(stea.RunSingle(inputs)) > 1e-3f);
    }
}
