using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using PortraitBooth.Inference.Packs;

namespace PortraitBooth.ModelBuilder.Parity;

/// <summary>One output of one graph: the largest |ONNX Runtime − saved| over its values, against the graph's tolerance.</summary>
public sealed record ParityResult(ParityGraph Graph, string Output, double MaxAbsDifference)
{
    public bool Passed => MaxAbsDifference <= Graph.Tolerance;

    public override string ToString() =>
        $"{Graph.Role} ({Graph.Weights ?? "?"} weights, {Graph.Model}) {Output}: max |Δ| {MaxAbsDifference:G3} (tolerance {Graph.Tolerance:G3}){(Passed ? "" : " EXCEEDED")}";
}

/// <summary>Runs every graph of <see cref="ParityData"/> in ONNX Runtime on the saved inputs and compares each output.</summary>
public static class ParityCheck
{
    public static IReadOnlyList<ParityResult> Run(ParityData data) => data.Graphs.SelectMany(graph => Run(data, graph)).ToList();

    public static IReadOnlyList<ParityResult> Run(ParityData data, ParityGraph graph)
    {
        var path = data.ModelPath(graph);
        if (!File.Exists(path)) throw new ParityDataException($"graph '{graph.Role}': {path} is missing");
        using var session = new InferenceSession(path);
        var inputs = graph.Inputs.Select(name => data.Tensor(graph, name)).ToList();
        foreach (var input in inputs)
        {
            if (!session.InputMetadata.TryGetValue(input.Name, out var metadata))
                throw new ParityDataException($"{path}: has no input '{input.Name}' (it has {string.Join(", ", session.InputMetadata.Keys)})");
            if (PackContract.DTypeName(metadata.ElementDataType) is var graphType && graphType != input.DType)
                throw new ParityDataException($"{path}: input '{input.Name}' is {graphType} in the graph, {input.DType} in the parity data");
        }
        var values = inputs.Select(t => t.ToOrtValue()).ToList();
        try
        {
            using var options = new RunOptions();
            using var outputs = session.Run(options, graph.Inputs.ToList(), values, graph.Outputs.ToList());
            return graph.Outputs.Zip(outputs, (name, actual) => new ParityResult(graph, name, Compare(path, data.Tensor(graph, name), actual))).ToList();
        }
        finally
        {
            foreach (var value in values) value.Dispose();
        }
    }

    private static double Compare(string path, ParityTensor expected, OrtValue actual)
    {
        var info = actual.GetTensorTypeAndShape();
        if (!info.Shape.SequenceEqual(expected.Shape))
            throw new ParityDataException(
                $"{path}: output '{expected.Name}' came out [{string.Join(",", info.Shape)}], the parity data has [{string.Join(",", expected.Shape)}]");
        double[] values = info.ElementDataType switch
        {
            TensorElementType.Float => [.. actual.GetTensorDataAsSpan<float>().ToArray().Select(v => (double)v)],
            TensorElementType.Float16 => [.. actual.GetTensorDataAsSpan<Float16>().ToArray().Select(v => (double)(float)v)],
            TensorElementType.Int32 => [.. actual.GetTensorDataAsSpan<int>().ToArray().Select(v => (double)v)],
            TensorElementType.Int64 => [.. actual.GetTensorDataAsSpan<long>().ToArray().Select(v => (double)v)],
            var other => throw new ParityDataException($"{path}: output '{expected.Name}' has element type {other}"),
        };
        var reference = expected.Floats?.Select(v => (double)v).ToArray() ?? expected.Integers!.Select(v => (double)v).ToArray();
        var max = 0.0;
        for (var i = 0; i < values.Length; i++)
        {
            var difference = Math.Abs(values[i] - reference[i]);
            // NaN on either side is a mismatch, never a pass.
            if (double.IsNaN(difference)) return double.PositiveInfinity;
            max = Math.Max(max, difference);
        }
        return max;
    }
}
