using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using PortraitBooth.Inference.Packs;

namespace PortraitBooth.Inference.Onnx;

/// <summary>
/// A graph edge backed by one managed array that stays pinned for the buffer's life, so a session reads and
/// writes it without per-call copies. Float edges are always seen as float32 by the caller; a float16 edge
/// has a half-precision twin that <see cref="ToGraph"/> and <see cref="FromGraph"/> convert in bulk.
/// </summary>
public sealed class OrtBuffer : IDisposable
{
    private readonly Array _values;
    private readonly Half[]? _halfTwin;
    private GCHandle _pin;

    private OrtBuffer(string dtype, long[] shape, Array values, Half[]? halfTwin, OrtValue value, GCHandle pin)
    {
        DType = dtype;
        Shape = shape;
        _values = values;
        _halfTwin = halfTwin;
        Value = value;
        _pin = pin;
    }

    public string DType { get; }
    public long[] Shape { get; }
    public OrtValue Value { get; }
    public int Length => _values.Length;

    /// <summary>Allocates an edge of <paramref name="spec"/>'s dtype with a concrete shape.</summary>
    public static OrtBuffer Allocate(TensorSpec spec, params long[] shape)
    {
        if (shape.Length != spec.Shape.Count)
            throw new ArgumentException($"'{spec.Name}' has rank {spec.Shape.Count}, got shape [{string.Join(",", shape)}]");
        var length = checked((int)shape.Aggregate(1L, (a, b) => a * b));
        return spec.DType switch
        {
            "float32" => Pinned(spec.DType, shape, new float[length], null),
            "float16" => Pinned(spec.DType, shape, new float[length], new Half[length]),
            "int32" => Pinned(spec.DType, shape, new int[length], null),
            "int64" => Pinned(spec.DType, shape, new long[length], null),
            _ => throw new PackException($"tensor '{spec.Name}' has dtype {spec.DType}, which PortraitBooth does not handle"),
        };
    }

    private static OrtBuffer Pinned(string dtype, long[] shape, Array values, Half[]? halfTwin)
    {
        var graphSide = (Array?)halfTwin ?? values;
        var pin = GCHandle.Alloc(graphSide, GCHandleType.Pinned);
        var type = graphSide switch
        {
            float[] => TensorElementType.Float,
            Half[] => TensorElementType.Float16,
            int[] => TensorElementType.Int32,
            long[] => TensorElementType.Int64,
            _ => throw new InvalidOperationException(),
        };
        var bytes = graphSide.Length * (long)Marshal.SizeOf(graphSide.GetType().GetElementType()!);
        var value = OrtValue.CreateTensorValueWithData(
            OrtMemoryInfo.DefaultInstance, type, shape, pin.AddrOfPinnedObject(), bytes);
        return new OrtBuffer(dtype, shape, values, halfTwin, value, pin);
    }

    public Span<float> Floats => _values is float[] f ? f : throw WrongType("float");
    public Span<int> Int32s => _values is int[] i ? i : throw WrongType("int32");
    public Span<long> Int64s => _values is long[] l ? l : throw WrongType("int64");

    /// <summary>Call after filling <see cref="Floats"/> of an input: converts to float16 where the edge is float16.</summary>
    public void ToGraph()
    {
        if (_halfTwin is not null) TensorPrimitives.ConvertToHalf((float[])_values, _halfTwin);
    }

    /// <summary>Call after a run before reading <see cref="Floats"/> of an output.</summary>
    public void FromGraph()
    {
        if (_halfTwin is not null) TensorPrimitives.ConvertToSingle(_halfTwin, (float[])_values);
    }

    private InvalidOperationException WrongType(string wanted) =>
        new($"this {DType} buffer has no {wanted} view");

    public void Dispose()
    {
        Value.Dispose();
        if (_pin.IsAllocated) _pin.Free();
    }
}
