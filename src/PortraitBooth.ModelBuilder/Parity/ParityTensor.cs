using System.Buffers.Binary;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Onnx;
using DataType = Onnx.TensorProto.Types.DataType;

namespace PortraitBooth.ModelBuilder.Parity;

/// <summary>
/// One tensor of parity data: an ONNX <c>TensorProto</c> file as python3-onnx's <c>numpy_helper.from_array</c>
/// writes it (values in <c>raw_data</c>, little-endian) or with typed fields (<c>float_data</c>, <c>int32_data</c>,
/// <c>int64_data</c>). Float values are held as float32 (float16 widened, exactly), integers as int64.
/// </summary>
public sealed record ParityTensor(string Name, string DType, long[] Shape, float[]? Floats, long[]? Integers)
{
    public long Count => Shape.Aggregate(1L, (a, b) => a * b);

    public static ParityTensor Read(string path)
    {
        TensorProto proto;
        try
        {
            proto = TensorProto.Parser.ParseFrom(File.ReadAllBytes(path));
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new ParityDataException($"{path} is not an ONNX TensorProto: {e.Message}", e);
        }
        return FromProto(proto, path);
    }

    public static ParityTensor FromProto(TensorProto proto, string source)
    {
        var shape = proto.Dims.ToArray();
        var count = checked((int)shape.Aggregate(1L, (a, b) => a * b));
        var raw = proto.RawData.ToByteArray();
        var hasRaw = raw.Length > 0;
        var type = (DataType)proto.DataType;
        ParityTensor Check(ParityTensor tensor, int length) => length == count ? tensor
            : throw new ParityDataException($"{source}: tensor '{proto.Name}' has shape [{string.Join(",", shape)}] ({count} values) but holds {length}");
        switch (type)
        {
            case DataType.Float:
                var floats = hasRaw ? Decode(raw, 4, b => BinaryPrimitives.ReadSingleLittleEndian(b))
                    : proto.FloatData.ToArray();
                return Check(new(proto.Name, "float32", shape, floats, null), floats.Length);
            case DataType.Float16:
                // Without raw_data, ONNX keeps float16 bit patterns in int32_data.
                var halves = hasRaw ? Decode(raw, 2, b => BinaryPrimitives.ReadHalfLittleEndian(b))
                    : proto.Int32Data.Select(bits => BitConverter.UInt16BitsToHalf((ushort)bits)).ToArray();
                return Check(new(proto.Name, "float16", shape, halves.Select(h => (float)h).ToArray(), null), halves.Length);
            case DataType.Int32:
                var ints = hasRaw ? Decode(raw, 4, b => (long)BinaryPrimitives.ReadInt32LittleEndian(b))
                    : proto.Int32Data.Select(v => (long)v).ToArray();
                return Check(new(proto.Name, "int32", shape, null, ints), ints.Length);
            case DataType.Int64:
                var longs = hasRaw ? Decode(raw, 8, b => BinaryPrimitives.ReadInt64LittleEndian(b))
                    : proto.Int64Data.ToArray();
                return Check(new(proto.Name, "int64", shape, null, longs), longs.Length);
            default:
                throw new ParityDataException($"{source}: tensor '{proto.Name}' has ONNX data type {type}; parity data holds float32, float16, int32 or int64");
        }
    }

    private delegate T LittleEndian<out T>(ReadOnlySpan<byte> bytes);

    private static T[] Decode<T>(byte[] raw, int size, LittleEndian<T> read)
    {
        var values = new T[raw.Length / size];
        for (var i = 0; i < values.Length; i++) values[i] = read(raw.AsSpan(size * i, size));
        return values;
    }

    /// <summary>The tensor as ONNX Runtime input, in its own dtype.</summary>
    public OrtValue ToOrtValue() => DType switch
    {
        "float32" => OrtValue.CreateTensorValueFromMemory(Floats!, Shape),
        "float16" => OrtValue.CreateTensorValueFromMemory(Floats!.Select(v => (Float16)v).ToArray(), Shape),
        "int32" => OrtValue.CreateTensorValueFromMemory(Integers!.Select(v => checked((int)v)).ToArray(), Shape),
        "int64" => OrtValue.CreateTensorValueFromMemory(Integers!, Shape),
        _ => throw new InvalidOperationException(DType),
    };
}

/// <summary>Parity data that cannot be read; the message names the file and the problem.</summary>
public sealed class ParityDataException(string message, Exception? inner = null) : Exception(message, inner);
