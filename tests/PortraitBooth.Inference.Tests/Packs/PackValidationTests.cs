using PortraitBooth.Inference.Packs;
using PortraitBooth.Testing;

namespace PortraitBooth.Inference.Tests.Packs;

public sealed class PackValidationTests(GeneratedPacks packs)
{
    [Fact]
    public void A_generated_pack_opens_and_every_graph_runs_with_the_declared_shapes()
    {
        using var pack = ModelPack.Open(packs.Tiny.Folder);
        var results = PackSmokeRun.Run(pack);
        Assert.Equal(PackModels.All, results.Select(r => r.Model));
        var unet = results.Single(r => r.Model == PackModels.Unet);
        var latent = pack.Manifest.Size.DefaultHeight / pack.Manifest.Latent.VaeScale;
        Assert.Equal([1L, pack.Manifest.Latent.Channels, latent, latent], unet.OutputShapes["out_sample"]);
    }

    [Fact]
    public void A_declared_shape_that_differs_from_the_graph_is_refused_naming_file_tensor_and_both_shapes()
    {
        var copy = packs.CopyOf(packs.Tiny);
        GeneratedPacks.EditManifest(copy, json => json["models"]!["unet"]!["inputs"]!["sample"]!["shape"]![1] = 3);

        var error = Assert.Throws<PackException>(() => ModelPack.Open(copy));
        Assert.Contains("unet/model.onnx", error.Message);
        Assert.Contains("'sample'", error.Message);
        Assert.Contains("float32[B,3,h,w]", error.Message);
        Assert.Contains("float32[", error.Message.Split("in the graph")[0].Split("but")[1]);
        Assert.Contains(",4,", error.Message.Split("but")[1]);
    }

    [Fact]
    public void A_declared_dtype_that_differs_from_the_graph_is_refused()
    {
        var copy = packs.CopyOf(packs.Tiny);
        GeneratedPacks.EditManifest(copy, json => json["models"]!["stea"]!["outputs"]!["fused"]!["dtype"] = "float16");

        var error = Assert.Throws<PackException>(() => ModelPack.Open(copy));
        Assert.Contains("stea/model.onnx", error.Message);
        Assert.Contains("float16[N,", error.Message);
    }

    [Fact]
    public void A_tensor_name_missing_from_the_graph_is_refused_with_the_names_the_graph_has()
    {
        var copy = packs.CopyOf(packs.Tiny);
        GeneratedPacks.EditManifest(copy, json => json["models"]!["text_encoder"]!["inputs"]!["input_ids"]!["name"] = "tokens");

        var error = Assert.Throws<PackException>(() => ModelPack.Open(copy));
        Assert.Contains("text_encoder/model.onnx", error.Message);
        Assert.Contains("'tokens'", error.Message);
        Assert.Contains("input_ids", error.Message);
    }

    [Fact]
    public void A_missing_file_is_refused_naming_the_file()
    {
        var copy = packs.CopyOf(packs.Tiny);
        File.Delete(Path.Combine(copy, "vae_encoder", "model.onnx"));

        var error = Assert.Throws<PackException>(() => ModelPack.Open(copy));
        Assert.Contains("'vae_encoder/model.onnx' is missing", error.Message);
    }

    [Fact]
    public void A_file_whose_hash_differs_is_refused_with_both_hashes()
    {
        var copy = packs.CopyOf(packs.Tiny);
        var merges = Path.Combine(copy, "tokenizer", "merges.txt");
        File.AppendAllText(merges, "\n");
        var expected = ModelPack.ReadManifest(copy).Files["tokenizer/merges.txt"];

        var error = Assert.Throws<PackException>(() => ModelPack.Open(copy));
        Assert.Contains("tokenizer/merges.txt", error.Message);
        Assert.Contains(expected, error.Message);
        Assert.Contains(PackFiles.Sha256Of(merges), error.Message);
    }

    [Fact]
    public void A_folder_without_pack_json_is_not_a_pack()
    {
        var empty = Directory.CreateTempSubdirectory("not-a-pack-").FullName;
        var error = Assert.Throws<PackException>(() => ModelPack.Open(empty));
        Assert.Contains("pack.json is missing", error.Message);
    }

    [Fact]
    public void An_int64_timestep_unet_contract_is_accepted_by_the_manifest_check()
    {
        var manifest = ModelPack.ReadManifest(packs.Tiny.Folder);
        var unet = manifest.Models[PackModels.Unet];
        var inputs = new Dictionary<string, TensorSpec>(unet.Inputs) { ["timestep"] = new("timestep", "int64", [1]) };
        var changed = manifest with { Models = new Dictionary<string, ModelSpec>(manifest.Models) { [PackModels.Unet] = unet with { Inputs = inputs } } };
        PackContract.CheckManifest(changed);
        var wrong = changed with { Models = new Dictionary<string, ModelSpec>(manifest.Models) { [PackModels.Unet] = unet with { Inputs = new Dictionary<string, TensorSpec>(inputs) { ["timestep"] = new("timestep", "int32", [1]) } } } };
        Assert.Contains("timestep must be float32, float16 or int64", Assert.Throws<PackException>(() => PackContract.CheckManifest(wrong)).Message);
    }
}
