using System.Buffers.Binary;
using System.Text.Json;

namespace PortraitBooth.ModelBuilder.FaceApi;

/// <summary>One tensor of a TF.js weight file, dequantised to float32; TF.js layouts (conv HWIO, fc [in,out]).</summary>
public sealed record TfjsTensor(string Name, int[] Shape, float[] Values);

/// <summary>
/// Reads a TF.js <c>*-weights_manifest.json</c> and its <c>.bin</c> shards: the tensors are concatenated in
/// manifest order; a quantised tensor is uint8 q stored as q·scale + min (computed in double then rounded to
/// float32, as tf.io.decodeWeights does in JavaScript); an unquantised one is little-endian float32 or int32.
/// </summary>
public sealed class TfjsWeightMap
{
    private readonly Dictionary<string, TfjsTensor> _tensors;

    private TfjsWeightMap(Dictionary<string, TfjsTensor> tensors) => _tensors = tensors;

    public IReadOnlyCollection<string> Names => _tensors.Keys;

    public TfjsTensor this[string name] => _tensors.TryGetValue(name, out var tensor)
        ? tensor
        : throw new KeyNotFoundException($"the weight map has no tensor '{name}'");

    public static TfjsWeightMap Load(string manifestPath)
    {
        using var manifest = JsonDocument.Parse(File.ReadAllText(manifestPath));
        var directory = Path.GetDirectoryName(Path.GetFullPath(manifestPath))!;
        var tensors = new Dictionary<string, TfjsTensor>();
        foreach (var group in manifest.RootElement.EnumerateArray())
        {
            var bytes = group.GetProperty("paths").EnumerateArray()
                .SelectMany(path => File.ReadAllBytes(Path.Combine(directory, path.GetString()!))).ToArray();
            var offset = 0;
            foreach (var weight in group.GetProperty("weights").EnumerateArray())
            {
                var tensor = Read(weight, bytes, ref offset);
                tensors[tensor.Name] = tensor;
            }
            if (offset != bytes.Length)
                throw new InvalidDataException($"{manifestPath}: the weights use {offset} bytes but the shards hold {bytes.Length}");
        }
        return new TfjsWeightMap(tensors);
    }

    private static TfjsTensor Read(JsonElement weight, byte[] bytes, ref int offset)
    {
        var name = weight.GetProperty("name").GetString()!;
        var shape = weight.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()).ToArray();
        var count = shape.Aggregate(1, (a, b) => a * b);
        var values = new float[count];
        if (weight.TryGetProperty("quantization", out var quantization))
        {
            if (quantization.GetProperty("dtype").GetString() != "uint8")
                throw new InvalidDataException($"tensor '{name}': only uint8 quantisation is supported");
            var scale = quantization.GetProperty("scale").GetDouble();
            var min = quantization.GetProperty("min").GetDouble();
            for (var i = 0; i < count; i++) values[i] = (float)(bytes[offset + i] * scale + min);
            offset += count;
        }
        else
        {
            var dtype = weight.GetProperty("dtype").GetString();
            for (var i = 0; i < count; i++)
            {
                var word = bytes.AsSpan(offset + 4 * i, 4);
                values[i] = dtype switch
                {
                    "float32" => BinaryPrimitives.ReadSingleLittleEndian(word),
                    "int32" => BinaryPrimitives.ReadInt32LittleEndian(word),
                    _ => throw new InvalidDataException($"tensor '{name}': dtype {dtype} is not supported"),
                };
            }
            offset += 4 * count;
        }
        return new TfjsTensor(name, shape, values);
    }
}
