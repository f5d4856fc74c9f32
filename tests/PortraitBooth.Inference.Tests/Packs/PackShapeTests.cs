using PortraitBooth.Inference.Packs;
using PortraitBooth.Testing;

namespace PortraitBooth.Inference.Tests.Packs;

/// <summary>
/// pack.json's widths against the graphs: each case edits only pack.json of a generated tiny pack (the graphs and
/// their hashes stay), so it is the shape or dtype check that refuses, naming the file, the tensor and both values.
/// </summary>
public sealed class PackShapeTests(GeneratedPacks packs)
{
    /// <summary>A pack.json field, a value the graphs disagree with, and what the refusal must name.</summary>
    public static TheoryData<string, string, int, string[]> WidthDisagreements() => new()
    {
        { "latent", "channels", 8, ["unet/model.onnx: input 'sample'", "axis 1 is 4", "latent.channels is 8"] },
        { "stea", "token_width", 48, ["text_encoder/model.onnx: output 'last_hidden_state'", "axis 2 is 32", "stea.token_width is 48"] },
        { "stea", "face_width", 128, ["face_encoder/model.onnx: output 'embedding'", "axis 1 is 32", "stea.face_width is 128"] },
        { "face", "width", 150, ["face_encoder/model.onnx: input 'face'", "axis 3 is 64", "face.width is 150"] },
        { "face", "height", 150, ["face_encoder/model.onnx: input 'face'", "axis 2 is 64", "face.height is 150"] },
    };

    [Theory]
    [MemberData(nameof(WidthDisagreements))]
    public void A_width_that_differs_from_the_graphs_is_refused_naming_file_tensor_axis_and_both_values(string section, string field, int value, string[] expected)
    {
        var copy = packs.CopyWithManifest(packs.Tiny, json => json[section]![field] = value);

        var error = Assert.Throws<PackException>(() => ModelPack.Open(copy)).Message;
        Assert.All(expected, part => Assert.Contains(part, error));
    }

    [Fact]
    public void A_declared_dtype_that_differs_from_the_unet_is_refused()
    {
        var copy = packs.CopyWithManifest(packs.Tiny, json => json["models"]!["unet"]!["inputs"]!["sample"]!["dtype"] = "float16");

        var error = Assert.Throws<PackException>(() => ModelPack.Open(copy)).Message;
        Assert.Contains("unet/model.onnx: input 'sample' is float16[B,4,h,w] in pack.json but float32[", error);
    }

    [Theory]
    [InlineData("unet", "sample", "float64", "must be float32 or float16")]
    [InlineData("text_encoder", "input_ids", "float32", "must be int32 or int64")]
    public void A_dtype_the_tensor_cannot_have_is_refused_when_pack_json_is_read(string model, string role, string dtype, string expected)
    {
        var copy = packs.CopyWithManifest(packs.Tiny, json => json["models"]![model]!["inputs"]![role]!["dtype"] = dtype);

        var error = Assert.Throws<PackException>(() => ModelPack.ReadManifest(copy)).Message;
        Assert.Contains($"pack.json: models.{model} input '{role}' has dtype {dtype}", error);
        Assert.Contains(expected, error);
    }

    [Fact]
    public void The_float16_pack_passes_the_same_checks()
    {
        using var pack = ModelPack.Open(packs.TinyFloat16.Folder);
        Assert.Equal("float16", pack.Spec(PackModels.Unet).Inputs["sample"].DType);
    }
}
