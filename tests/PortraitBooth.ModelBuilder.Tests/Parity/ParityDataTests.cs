using Onnx;
using PortraitBooth.ModelBuilder.Parity;
using PortraitBooth.Testing;
using DataType = Onnx.TensorProto.Types.DataType;

namespace PortraitBooth.ModelBuilder.Tests.Parity;

/// <summary>The reader of the exporter's parity data: manifest.json and TensorProto files written here with OnnxSharp.</summary>
public sealed class ParityDataTests(GeneratedPacks packs)
{
    private readonly string _directory = packs.NewFolder("parity");

    private static readonly ParityGraph Unet = new("unet", "../pack/unet/model.onnx", ["sample", "timestep"], ["out_sample"], 1e-3, "float32");

    [Fact]
    public void Reads_the_manifest_and_resolves_model_paths_against_the_parity_folder()
    {
        ParityFiles.WriteManifest(_directory, Unet, Unet with { Model = "../pack-fp16/unet/model.onnx", Tolerance = 5e-2, Weights = "float16" });

        var data = ParityData.Read(_directory);

        Assert.Equal(2, data.Graphs.Count);
        Assert.Equal(Unet.Inputs, data.Graphs[0].Inputs);
        Assert.Equal(Unet.Outputs, data.Graphs[0].Outputs);
        Assert.Equal((1e-3, "float32"), (data.Graphs[0].Tolerance, data.Graphs[0].Weights));
        Assert.Equal(Path.GetFullPath(Path.Combine(_directory, "..", "pack-fp16", "unet", "model.onnx")), data.ModelPath(data.Graphs[1]));
    }

    [Fact]
    public void Reads_raw_and_typed_tensors_of_every_dtype_with_their_shapes()
    {
        ParityFiles.WriteManifest(_directory, Unet);
        float[] floats = [0.5f, -1.25f, 3e-8f, 65504f, -0f, 1f / 3];
        ParityFiles.Write(_directory, "unet", ParityFiles.Raw("raw32", [2, 3], floats));
        var typed = ParityFiles.WithShape(new TensorProto { Name = "typed32", DataType = (int)DataType.Float }, [3, 2]);
        typed.FloatData.Add(floats);
        ParityFiles.Write(_directory, "unet", typed);
        ParityFiles.Write(_directory, "unet", ParityFiles.RawHalf("half", [6], floats));
        ParityFiles.Write(_directory, "unet", ParityFiles.RawInt32("ids", [1, 3], [49406, 320, 49407]));
        var longs = ParityFiles.WithShape(new TensorProto { Name = "steps", DataType = (int)DataType.Int64 }, [2]);
        longs.Int64Data.Add([999L, -7L]);
        ParityFiles.Write(_directory, "unet", longs);
        var data = ParityData.Read(_directory);

        var raw = data.Tensor(Unet, "raw32");
        Assert.Equal("float32", raw.DType);
        Assert.Equal([2L, 3L], raw.Shape);
        Assert.Equal(floats, raw.Floats);
        Assert.Equal(floats, data.Tensor(Unet, "typed32").Floats);
        var half = data.Tensor(Unet, "half");
        Assert.Equal("float16", half.DType);
        Assert.Equal(floats.Select(v => (float)(Half)v), half.Floats!);
        var ids = data.Tensor(Unet, "ids");
        Assert.Equal("int32", ids.DType);
        Assert.Equal([1L, 3L], ids.Shape);
        Assert.Equal([49406L, 320L, 49407L], ids.Integers!);
        Assert.Equal([999L, -7L], data.Tensor(Unet, "steps").Integers!);
    }

    [Fact]
    public void A_scalar_tensor_has_an_empty_shape_and_one_value()
    {
        ParityFiles.WriteManifest(_directory, Unet);
        ParityFiles.Write(_directory, "unet", ParityFiles.Raw("scalar", [], [2.5f]));

        var scalar = ParityData.Read(_directory).Tensor(Unet, "scalar");
        Assert.Equal((0, 1L, 2.5f), (scalar.Shape.Length, scalar.Count, scalar.Floats!.Single()));
    }

    [Fact]
    public void Bad_parity_data_is_refused_naming_the_file_and_the_problem()
    {
        Assert.Contains("manifest.json is missing", Assert.Throws<ParityDataException>(() => ParityData.Read(_directory)).Message);

        Directory.CreateDirectory(_directory);
        File.WriteAllText(Path.Combine(_directory, ParityData.FileName), """{ "format": "portraitbooth-parity/2", "graphs": [] }""");
        Assert.Contains("format 'portraitbooth-parity/2' is not supported", Assert.Throws<ParityDataException>(() => ParityData.Read(_directory)).Message);
        File.WriteAllText(Path.Combine(_directory, ParityData.FileName), "{ not json");
        Assert.Contains("is not a parity manifest", Assert.Throws<ParityDataException>(() => ParityData.Read(_directory)).Message);
        ParityFiles.WriteManifest(_directory, Unet with { Tolerance = 0 });
        Assert.Contains("positive tolerance", Assert.Throws<ParityDataException>(() => ParityData.Read(_directory)).Message);

        ParityFiles.WriteManifest(_directory, Unet);
        var data = ParityData.Read(_directory);
        Assert.Contains(Path.Combine("unet", "sample.pb") + " is missing", Assert.Throws<ParityDataException>(() => data.Tensor(Unet, "sample")).Message);
        ParityFiles.Write(_directory, "unet", ParityFiles.Raw("other", [1], [1f]));
        File.Move(Path.Combine(_directory, "unet", "other.pb"), Path.Combine(_directory, "unet", "sample.pb"));
        Assert.Contains("holds tensor 'other', expected 'sample'", Assert.Throws<ParityDataException>(() => data.Tensor(Unet, "sample")).Message);
        ParityFiles.Write(_directory, "unet", ParityFiles.Raw("timestep", [2, 2], [1f, 2f, 3f]));
        Assert.Contains("has shape [2,2] (4 values) but holds 3", Assert.Throws<ParityDataException>(() => data.Tensor(Unet, "timestep")).Message);
        File.WriteAllBytes(Path.Combine(_directory, "unet", "timestep.pb"), [0xff, 0xff, 0xff]);
        Assert.Contains("is not an ONNX TensorProto", Assert.Throws<ParityDataException>(() => data.Tensor(Unet, "timestep")).Message);
    }
}
