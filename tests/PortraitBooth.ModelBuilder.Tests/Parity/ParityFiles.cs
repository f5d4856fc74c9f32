using System.Buffers.Binary;
using System.Text.Json;
using Google.Protobuf;
using Onnx;
using PortraitBooth.ModelBuilder.Parity;
using DataType = Onnx.TensorProto.Types.DataType;

namespace PortraitBooth.ModelBuilder.Tests.Parity;

/// <summary>Writes parity data the way the contract describes it, with OnnxSharp's TensorProto, for the reader's tests.</summary>
internal static class ParityFiles
{
    /// <summary>Values in raw_data, as python3-onnx's numpy_helper.from_array writes them.</summary>
    public static TensorProto Raw(string name, long[] shape, float[] values)
    {
        var bytes = new byte[4 * values.Length];
        for (var i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(4 * i), values[i]);
        return WithShape(new TensorProto { Name = name, DataType = (int)DataType.Float, RawData = ByteString.CopyFrom(bytes) }, shape);
    }

    public static TensorProto RawHalf(string name, long[] shape, float[] values)
    {
        var bytes = new byte[2 * values.Length];
        for (var i = 0; i < values.Length; i++) BinaryPrimitives.WriteHalfLittleEndian(bytes.AsSpan(2 * i), (Half)values[i]);
        return WithShape(new TensorProto { Name = name, DataType = (int)DataType.Float16, RawData = ByteString.CopyFrom(bytes) }, shape);
    }

    public static TensorProto RawInt32(string name, long[] shape, int[] values)
    {
        var bytes = new byte[4 * values.Length];
        for (var i = 0; i < values.Length; i++) BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4 * i), values[i]);
        return WithShape(new TensorProto { Name = name, DataType = (int)DataType.Int32, RawData = ByteString.CopyFrom(bytes) }, shape);
    }

    public static TensorProto WithShape(TensorProto proto, long[] shape)
    {
        proto.Dims.Add(shape);
        return proto;
    }

    public static void Write(string parityDirectory, string role, TensorProto tensor)
    {
        var folder = Path.Combine(parityDirectory, role);
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(Path.Combine(folder, tensor.Name + ".pb"), tensor.ToByteArray());
    }

    public static void WriteManifest(string parityDirectory, params ParityGraph[] graphs)
    {
        Directory.CreateDirectory(parityDirectory);
        var json = JsonSerializer.Serialize(new { format = ParityData.CurrentFormat, graphs }, new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower });
        File.WriteAllText(Path.Combine(parityDirectory, ParityData.FileName), json);
    }
}
