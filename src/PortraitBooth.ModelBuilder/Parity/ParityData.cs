using System.Text.Json;

namespace PortraitBooth.ModelBuilder.Parity;

/// <summary>
/// What an exporter saved to check its graphs against (docs: the training contract, §3): <c>parity/manifest.json</c>
/// lists each graph with the tensor names of its inputs and outputs, and <c>parity/&lt;role&gt;/&lt;name&gt;.pb</c>
/// holds what torch was fed and what it returned.
/// </summary>
public sealed record ParityData(string Directory, IReadOnlyList<ParityGraph> Graphs)
{
    public const string CurrentFormat = "portraitbooth-parity/1";
    public const string FileName = "manifest.json";

    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private sealed record Manifest(string? Format, IReadOnlyList<ParityGraph>? Graphs);

    public static ParityData Read(string directory)
    {
        directory = Path.GetFullPath(directory);
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path)) throw new ParityDataException($"{path} is missing: '{directory}' holds no parity data");
        Manifest manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<Manifest>(File.ReadAllText(path), JsonOptions)
                ?? throw new ParityDataException($"{path} is empty");
        }
        catch (JsonException e)
        {
            throw new ParityDataException($"{path} is not a parity manifest: {e.Message}", e);
        }
        if (manifest.Format != CurrentFormat)
            throw new ParityDataException($"{path}: format '{manifest.Format}' is not supported (expected '{CurrentFormat}')");
        if (manifest.Graphs is not { Count: > 0 } graphs)
            throw new ParityDataException($"{path} lists no graphs");
        foreach (var graph in graphs)
            if (string.IsNullOrEmpty(graph.Role) || string.IsNullOrEmpty(graph.Model) || graph.Inputs is not { Count: > 0 }
                || graph.Outputs is not { Count: > 0 } || !double.IsFinite(graph.Tolerance) || graph.Tolerance <= 0)
                throw new ParityDataException($"{path}: graph '{graph.Role}' needs a role, a model, inputs, outputs and a positive tolerance");
        return new ParityData(directory, graphs);
    }

    /// <summary>The graph's ONNX file: <see cref="ParityGraph.Model"/> is relative to the parity folder.</summary>
    public string ModelPath(ParityGraph graph) => Path.GetFullPath(Path.Combine(Directory, graph.Model));

    /// <summary>Reads <c>&lt;role&gt;/&lt;name&gt;.pb</c>; its tensor name must be <paramref name="name"/>.</summary>
    public ParityTensor Tensor(ParityGraph graph, string name)
    {
        var path = Path.Combine(Directory, graph.Role, name + ".pb");
        if (!File.Exists(path)) throw new ParityDataException($"{path} is missing (tensor '{name}' of graph '{graph.Role}')");
        var tensor = ParityTensor.Read(path);
        return tensor.Name == name ? tensor
            : throw new ParityDataException($"{path} holds tensor '{tensor.Name}', expected '{name}'");
    }
}

/// <param name="Model">The ONNX file, relative to the parity folder ("../pack/unet/model.onnx").</param>
/// <param name="Inputs">Graph input names, each with a .pb file of what torch was fed.</param>
/// <param name="Outputs">Graph output names, each with a .pb file of what torch returned.</param>
/// <param name="Tolerance">Largest allowed |ONNX Runtime − torch| over every output value.</param>
/// <param name="Weights">How the graph stores its weights ("float32", "float16"), when the exporter says.</param>
public sealed record ParityGraph(string Role, string Model, IReadOnlyList<string> Inputs, IReadOnlyList<string> Outputs, double Tolerance,
    string? Weights = null);
