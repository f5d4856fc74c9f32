using PortraitBooth.Inference.Packs;
using PortraitBooth.ModelBuilder.Parity;
using PortraitBooth.Testing;

namespace PortraitBooth.ModelBuilder.Tests.Parity;

/// <summary>
/// The parity check on a generated tiny pack: outputs saved from one ONNX Runtime run match a second run exactly,
/// a saved output nudged by more than the tolerance is reported, and inputs of the wrong dtype are refused.
/// </summary>
public sealed class ParityCheckTests(GeneratedPacks packs)
{
    private const int LatentSide = 4;

    /// <summary>Writes the graph's inputs and its own outputs as parity data; <paramref name="nudge"/> is added to the first output value.</summary>
    private ParityData Save(string role, float nudge = 0f, string? inputDType = null)
    {
        var directory = packs.NewFolder("parity");
        using var runner = new OnnxModelRunner(packs.Tiny, role);
        var inputs = runner.MakeInputs(OnnxModelRunner.DefaultDims(LatentSide));
        var outputs = runner.Run(inputs);
        foreach (var (inputRole, (shape, values)) in inputs)
        {
            var spec = runner.Spec.Inputs[inputRole];
            ParityFiles.Write(directory, role, (inputDType ?? spec.DType) == "int32"
                ? ParityFiles.RawInt32(spec.Name, shape, [.. values.Select(v => (int)v)])
                : ParityFiles.Raw(spec.Name, shape, values));
        }
        foreach (var (outputRole, result) in outputs)
        {
            var values = result.Values.ToArray();
            values[0] += nudge;
            ParityFiles.Write(directory, role, ParityFiles.Raw(runner.Spec.Outputs[outputRole].Name, result.Shape, values));
        }
        var model = Path.GetRelativePath(directory, packs.Tiny.ModelPath(role)).Replace('\\', '/');
        ParityFiles.WriteManifest(directory, new ParityGraph(role, model, [.. runner.Spec.Inputs.Values.Select(s => s.Name)],
            [.. runner.Spec.Outputs.Values.Select(s => s.Name)], 1e-3, "float32"));
        return ParityData.Read(directory);
    }

    [Theory]
    [InlineData(PackModels.TextEncoder)]
    [InlineData(PackModels.Unet)]
    [InlineData(PackModels.Stea)]
    public void Outputs_saved_from_onnx_runtime_match_exactly(string role)
    {
        var results = ParityCheck.Run(Save(role));

        Assert.Equal(packs.Tiny.Manifest.Models[role].Outputs.Values.Select(s => s.Name), results.Select(r => r.Output));
        Assert.All(results, r => Assert.Equal(0.0, r.MaxAbsDifference));
        Assert.All(results, r => Assert.True(r.Passed));
    }

    [Fact]
    public void An_output_off_by_more_than_the_tolerance_is_reported_with_its_difference()
    {
        var result = ParityCheck.Run(Save(PackModels.Stea, nudge: 0.01f)).Single();

        Assert.False(result.Passed);
        Assert.InRange(result.MaxAbsDifference, 0.0099, 0.0101);
        Assert.Contains("stea (float32 weights", result.ToString());
        Assert.Contains("EXCEEDED", result.ToString());
    }

    [Fact]
    public void Inputs_of_another_dtype_than_the_graph_are_refused_naming_both()
    {
        var data = Save(PackModels.TextEncoder, inputDType: "float32");

        var error = Assert.Throws<ParityDataException>(() => ParityCheck.Run(data)).Message;
        Assert.Contains("input 'input_ids' is int32 in the graph, float32 in the parity data", error);
    }
}
