using Google.Protobuf;
using Onnx;
using PortraitBooth.Inference.Packs;
using DataType = Onnx.TensorProto.Types.DataType;

namespace PortraitBooth.ModelBuilder.Onnx;

/// <summary>
/// Builds one ONNX graph (IR 8, opset 17) node by node. Values are referred to by name; every generated name comes
/// from a counter or the caller's layer path, so building the same network twice yields the same bytes.
/// Float graph inputs and outputs may be declared float16: they are cast to and from float32 at the edges,
/// because ONNX Runtime's CPU provider lacks float16 kernels for many ops.
/// </summary>
internal sealed partial class OnnxGraphBuilder(string graphName, bool float16Io)
{
    private const long IrVersion = 8;
    private const long OpsetVersion = 17;

    private readonly GraphProto _graph = new() { Name = graphName };
    private readonly Dictionary<string, TensorSpec> _inputs = [];
    private readonly Dictionary<string, TensorSpec> _outputs = [];
    private readonly Dictionary<string, string> _constants = [];
    private int _nextValue;

    public IReadOnlyDictionary<string, TensorSpec> Inputs => _inputs;
    public IReadOnlyDictionary<string, TensorSpec> Outputs => _outputs;

    private string FloatIoType => float16Io ? "float16" : "float32";

    /// <summary>Declares a float input; returns the float32 value the network computes with.</summary>
    public string FloatInput(string name, params TensorDim[] shape)
    {
        AddInput(name, FloatIoType, shape);
        return float16Io ? Cast(name, DataType.Float) : name;
    }

    public string Int32Input(string name, params TensorDim[] shape)
    {
        AddInput(name, "int32", shape);
        return name;
    }

    /// <summary>Declares a float output computed by <paramref name="value"/> (float32), cast when the IO is float16.</summary>
    public void FloatOutput(string value, string name, params TensorDim[] shape)
    {
        Emit(float16Io ? "Cast" : "Identity", [value], [name],
            float16Io ? [IntAttribute("to", (long)DataType.Float16)] : []);
        var spec = new TensorSpec(name, FloatIoType, shape);
        _graph.Output.Add(ValueInfo(spec));
        _outputs.Add(name, spec);
    }

    /// <summary>A float32 weight tensor named by its layer path.</summary>
    public string Weight(string name, float[] values, params long[] dims)
    {
        if (values.Length != dims.Aggregate(1L, (a, b) => a * b))
            throw new ArgumentException($"{name}: {values.Length} values for shape [{string.Join(",", dims)}]");
        var bytes = new byte[values.Length * sizeof(float)];
        Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length); // ONNX raw data is little-endian, as is every .NET target we run on
        AddInitializer(name, DataType.Float, dims, ByteString.CopyFrom(bytes));
        return name;
    }

    /// <summary>A float32 parameter filled with 1 (norm scales: untrained, exactly as initialised in training).</summary>
    public string Ones(string name, params long[] dims) =>
        Weight(name, Enumerable.Repeat(1f, (int)dims.Aggregate(1L, (a, b) => a * b)).ToArray(), dims);

    /// <summary>A float32 parameter filled with 0 (biases).</summary>
    public string Zeros(string name, params long[] dims) =>
        Weight(name, new float[dims.Aggregate(1L, (a, b) => a * b)], dims);

    /// <summary>An int64 constant (shapes, axes), shared by every node that needs the same values.</summary>
    public string Int64s(params long[] values) =>
        Constant("i64", values, DataType.Int64, v => BitConverter.GetBytes(v));

    public string Int32Scalar(int value) =>
        Constant("i32", [value], DataType.Int32, v => BitConverter.GetBytes(v), scalar: true);

    public string FloatScalar(float value) =>
        Constant("f32", [value], DataType.Float, v => BitConverter.GetBytes(v), scalar: true);

    public string Floats(params float[] values) =>
        Constant("f32", values, DataType.Float, v => BitConverter.GetBytes(v));

    /// <summary>Adds a node with one output and returns that output's generated name.</summary>
    public string Node(string opType, string[] inputs, params AttributeProto[] attributes)
    {
        var output = $"{opType}_{_nextValue++}";
        Emit(opType, inputs, [output], attributes);
        return output;
    }

    public byte[] ToBytes()
    {
        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "PortraitBooth.ModelBuilder",
            ProducerVersion = "1",
            Graph = _graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = OpsetVersion });
        return model.ToByteArray();
    }

    public static AttributeProto IntAttribute(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto IntsAttribute(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.Add(values);
        return attribute;
    }

    public static AttributeProto FloatAttribute(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static AttributeProto StringAttribute(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    public string Cast(string value, DataType to) => Node("Cast", [value], IntAttribute("to", (long)to));

    private void Emit(string opType, string[] inputs, string[] outputs, AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = $"{opType}_node_{_graph.Node.Count}" };
        node.Input.Add(inputs);
        node.Output.Add(outputs);
        node.Attribute.Add(attributes);
        _graph.Node.Add(node);
    }

    private void AddInput(string name, string dtype, TensorDim[] shape)
    {
        var spec = new TensorSpec(name, dtype, shape);
        _graph.Input.Add(ValueInfo(spec));
        _inputs.Add(name, spec);
    }

    private string Constant<T>(string prefix, T[] values, DataType type, Func<T, byte[]> toBytes, bool scalar = false)
    {
        var key = $"{prefix}{(scalar ? "s" : "")}[{string.Join(",", values)}]";
        if (_constants.TryGetValue(key, out var existing)) return existing;
        var name = $"const_{_constants.Count}";
        _constants.Add(key, name);
        AddInitializer(name, type, scalar ? [] : [values.Length], ByteString.CopyFrom(values.SelectMany(toBytes).ToArray()));
        return name;
    }

    private void AddInitializer(string name, DataType type, long[] dims, ByteString raw)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)type, RawData = raw };
        tensor.Dims.Add(dims);
        _graph.Initializer.Add(tensor);
    }

    private static ValueInfoProto ValueInfo(TensorSpec spec)
    {
        var shape = new TensorShapeProto();
        foreach (var dim in spec.Shape)
            shape.Dim.Add(dim.Size is { } size
                ? new TensorShapeProto.Types.Dimension { DimValue = size }
                : new TensorShapeProto.Types.Dimension { DimParam = dim.Symbol });
        return new ValueInfoProto
        {
            Name = spec.Name,
            Type = new TypeProto
            {
                TensorType = new TypeProto.Types.Tensor { ElemType = (int)ToDataType(spec.DType), Shape = shape },
            },
        };
    }

    private static DataType ToDataType(string dtype) => dtype switch
    {
        "float32" => DataType.Float,
        "float16" => DataType.Float16,
        "int32" => DataType.Int32,
        "int64" => DataType.Int64,
        _ => throw new ArgumentException($"unsupported dtype {dtype}"),
    };
}
