using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using PortraitBooth.Inference.Onnx;

namespace PortraitBooth.Inference.Packs;

/// <summary>One run of a model with inputs of its declared shapes.</summary>
public sealed record SmokeResult(string Model, TimeSpan Elapsed, IReadOnlyDictionary<string, long[]> OutputShapes);

/// <summary>
/// Runs every graph of a pack once at batch 1 and the pack's default size, and checks that each output has the
/// declared shape and only finite values. Symbolic dims are bound by name: B and N (batch) = 1, H and W = the
/// default image size, h and w = the default latent size; models/README.md documents these names.
/// </summary>
public static class PackSmokeRun
{
    public static IReadOnlyList<SmokeResult> Run(ModelPack pack)
    {
        var bindings = Bindings(pack.Manifest);
        return PackModels.All.Select(model => RunOne(pack, model, bindings)).ToList();
    }

    public static Dictionary<string, long> Bindings(PackManifest manifest)
    {
        var (width, height) = (manifest.SamplingDefaults.Width, manifest.SamplingDefaults.Height);
        return new()
        {
            ["B"] = 1,
            ["N"] = 1,
            ["H"] = height,
            ["W"] = width,
            ["h"] = height / manifest.Latent.VaeScale,
            ["w"] = width / manifest.Latent.VaeScale,
        };
    }

    public static long[] Resolve(TensorSpec spec, IReadOnlyDictionary<string, long> bindings) =>
        spec.Shape.Select(d => d.Size is { } size ? size
            : bindings.TryGetValue(d.Symbol ?? "", out var bound) ? bound
            : throw new PackException($"tensor '{spec.Name}' has dimension '{d.Symbol}', which is not one of {string.Join(", ", bindings.Keys)}"))
        .ToArray();

    private static SmokeResult RunOne(ModelPack pack, string model, IReadOnlyDictionary<string, long> bindings)
    {
        var spec = pack.Spec(model);
        var inputs = spec.Inputs.Values.Select(t => (Spec: t, Buffer: OrtBuffer.Allocate(t, Resolve(t, bindings)))).ToList();
        try
        {
            foreach (var (tensor, buffer) in inputs) Fill(pack.Manifest, tensor, buffer);
            var outputNames = spec.Outputs.Values.Select(t => t.Name).ToList();
            var clock = Stopwatch.StartNew();
            using var runOptions = new RunOptions();
            using var outputs = pack.Session(model).Run(
                runOptions, inputs.Select(i => i.Spec.Name).ToList(), inputs.Select(i => i.Buffer.Value).ToList(), outputNames);
            clock.Stop();

            var shapes = new Dictionary<string, long[]>();
            foreach (var ((role, tensor), output) in spec.Outputs.Zip(outputs))
            {
                var shape = output.GetTensorTypeAndShape().Shape;
                var expected = Resolve(tensor, bindings);
                if (!shape.SequenceEqual(expected))
                    throw new PackException($"{spec.Path}: output '{tensor.Name}' came out [{string.Join(",", shape)}], expected [{string.Join(",", expected)}]");
                if (!AllFinite(output))
                    throw new PackException($"{spec.Path}: output '{tensor.Name}' has NaN or infinite values");
                shapes[role] = shape;
            }
            return new SmokeResult(model, clock.Elapsed, shapes);
        }
        finally
        {
            foreach (var (_, buffer) in inputs) buffer.Dispose();
        }
    }

    private static void Fill(PackManifest manifest, TensorSpec tensor, OrtBuffer buffer)
    {
        switch (buffer.DType)
        {
            case "int32":
                // A real prompt row: start, a few words, end, padding.
                var ids = buffer.Int32s;
                ids.Fill(manifest.Tokenizer.PadId);
                ids[0] = manifest.Tokenizer.BosId;
                for (var i = 1; i < Math.Min(6, ids.Length); i++) ids[i] = 320 + i;
                break;
            case "int64":
                buffer.Int64s.Fill(manifest.Scheduler.NumTrainTimesteps / 2);
                break;
            default:
                var values = buffer.Floats;
                for (var i = 0; i < values.Length; i++) values[i] = MathF.Sin(i * 0.37f) * 0.5f;
                if (tensor == manifest.Models[PackModels.Unet].Inputs["timestep"]) values.Fill(manifest.Scheduler.NumTrainTimesteps / 2f);
                buffer.ToGraph();
                break;
        }
    }

    private static bool AllFinite(OrtValue value)
    {
        var type = value.GetTensorTypeAndShape().ElementDataType;
        if (type == Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Float)
        {
            foreach (var x in value.GetTensorDataAsSpan<float>()) if (!float.IsFinite(x)) return false;
        }
        else if (type == Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Float16)
        {
            foreach (var x in System.Runtime.InteropServices.MemoryMarshal.Cast<Float16, Half>(value.GetTensorDataAsSpan<Float16>()))
                if (!Half.IsFinite(x)) return false;
        }
        return true;
    }
}
