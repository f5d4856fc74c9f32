using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using PortraitBooth.Inference.Packs;
using PortraitBooth.Testing;

namespace PortraitBooth.ModelBuilder.Tests;

/// <summary>A model output as float32 values (float16 outputs widened) with its shape.</summary>
public sealed record TensorResult(long[] Shape, float[] Values)
{
    public double Std
    {
        get
        {
            var mean = Values.Average(v => (double)v);
            return Math.Sqrt(Values.Average(v => (v - mean) * (v - mean)));
        }
    }

    public float MaxAbsDifference(TensorResult other) =>
        Values.Zip(other.Values, (a, b) => MathF.Abs(a - b)).Max();
}

/// <summary>
/// Runs one pack graph in a real ONNX Runtime session with inputs built from the manifest's tensor specs:
/// symbolic dims take the values given, float inputs are deterministic noise (rounded to float16 precision so a
/// float16 and a float32 pack see identical values), int32 ids are a real CLIP-tokenised prompt.
/// </summary>
public sealed class OnnxModelRunner(GeneratedPack pack, string role) : IDisposable
{
    public InferenceSession Session { get; } = new(pack.ModelPath(role));
    public ModelSpec Spec { get; } = pack.Manifest.Models[role];

    public static IReadOnlyDictionary<string, int> DefaultDims(int latentSide, int batch = 1) => new Dictionary<string, int>
    {
        ["B"] = batch, ["N"] = batch + 1, ["h"] = latentSide, ["w"] = latentSide, ["H"] = 8 * latentSide, ["W"] = 8 * latentSide,
    };

    /// <summary>Values for every input, keyed by role; float inputs hold float16-representable values.</summary>
    public Dictionary<string, (long[] Shape, float[] Values)> MakeInputs(IReadOnlyDictionary<string, int> dims, int noiseSeed = 7)
    {
        var random = new Random(noiseSeed);
        var inputs = new Dictionary<string, (long[], float[])>();
        foreach (var (role, spec) in Spec.Inputs)
        {
            var shape = spec.Shape.Select(d => (long)(d.Size ?? dims[d.Symbol!])).ToArray();
            var count = (int)shape.Aggregate(1L, (a, b) => a * b);
            var values = spec.DType == "int32"
                ? Enumerable.Range(0, count).Select(i => (float)PromptIds[i % PromptIds.Length]).ToArray()
                : role == "timestep"
                    ? Enumerable.Repeat(500f, count).ToArray()
                    : Enumerable.Range(0, count).Select(_ => (float)(Half)(random.NextSingle() * 3.4f - 1.7f)).ToArray();
            inputs.Add(role, (shape, values));
        }
        return inputs;
    }

    public IReadOnlyDictionary<string, TensorResult> Run(IReadOnlyDictionary<string, (long[] Shape, float[] Values)> inputs)
    {
        var values = new List<OrtValue>();
        try
        {
            foreach (var (role, spec) in Spec.Inputs)
            {
                var (shape, data) = inputs[role];
                values.Add(spec.DType switch
                {
                    "float32" => OrtValue.CreateTensorValueFromMemory(data, shape),
                    "float16" => OrtValue.CreateTensorValueFromMemory(data.Select(v => (Float16)v).ToArray(), shape),
                    "int32" => OrtValue.CreateTensorValueFromMemory(data.Select(v => (int)v).ToArray(), shape),
                    _ => throw new NotSupportedException(spec.DType),
                });
            }
            var outputRoles = Spec.Outputs.Keys.ToArray();
            using var options = new RunOptions();
            using var results = Session.Run(options, Spec.Inputs.Values.Select(s => s.Name).ToArray(), values,
                outputRoles.Select(r => Spec.Outputs[r].Name).ToArray());
            return outputRoles.Select((role, i) => (role, Read(results[i], Spec.Outputs[role].DType)))
                .ToDictionary(p => p.role, p => p.Item2);
        }
        finally
        {
            foreach (var value in values) value.Dispose();
        }
    }

    public TensorResult RunSingle(IReadOnlyDictionary<string, (long[] Shape, float[] Values)> inputs) => Run(inputs).Values.Single();

    private static TensorResult Read(OrtValue value, string dtype)
    {
        var shape = value.GetTensorTypeAndShape().Shape;
        var values = dtype == "float16"
            ? value.GetTensorDataAsSpan<Float16>().ToArray().Select(v => (float)v).ToArray()
            : value.GetTensorDataAsSpan<float>().ToArray();
        return new TensorResult(shape, values);
    }

    /// <summary>"a photo of a happy man" as CLIP ids (looked up in the repo's vocab), padded to 77 like the runtime does.</summary>
    private static readonly int[] PromptIds = TokenizePrompt();

    private static int[] TokenizePrompt()
    {
        var vocabPath = Path.Combine(SharedData.RepoRoot, "models", "clip-tokenizer", "vocab.json");
        var vocab = JsonSerializer.Deserialize<Dictionary<string, int>>(File.ReadAllText(vocabPath))!;
        var words = "a photo of a happy man".Split(' ').Select(w => vocab[w + "</w>"]);
        var ids = new[] { PackConfig.Tokenizer.BosId }.Concat(words).Append(PackConfig.Tokenizer.EosId).ToList();
        while (ids.Count < PackConfig.Tokenizer.MaxLength) ids.Add(PackConfig.Tokenizer.PadId);
        return [.. ids];
    }

    public void Dispose() => Session.Dispose();
}
