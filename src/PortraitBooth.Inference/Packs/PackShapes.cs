using Microsoft.ML.OnnxRuntime;

namespace PortraitBooth.Inference.Packs;

/// <summary>
/// The numbers pack.json states once (latent channels, STEA and face widths, face size, context length) against
/// every tensor axis that has to carry them, and the dtype each kind of tensor may have. Each axis is read from the
/// loaded graph where it is fixed there, else from its declaration in pack.json; a free axis on both sides is left
/// to the smoke run. Every message names the file, the tensor, the axis and both values.
/// </summary>
public static class PackShapes
{
    /// <param name="Field">The pack.json field the axis must equal; null for an image's 3 colour channels.</param>
    private sealed record Axis(string Model, bool IsOutput, string Role, int Index, string? Field, Func<PackManifest, int> Value)
    {
        public string Expectation(int expected) => Field is null ? $"an RGB image has {expected} channels" : $"pack.json's {Field} is {expected}";
    }

    private const string? Rgb = null;

    private static readonly Axis[] Axes =
    [
        new(PackModels.TextEncoder, false, "input_ids", 1, "tokenizer.max_length", m => m.Tokenizer.MaxLength),
        new(PackModels.TextEncoder, true, "last_hidden_state", 1, "tokenizer.max_length", m => m.Tokenizer.MaxLength),
        new(PackModels.TextEncoder, true, "last_hidden_state", 2, "stea.token_width", m => m.Stea.TokenWidth),
        new(PackModels.Unet, false, "sample", 1, "latent.channels", m => m.Latent.Channels),
        new(PackModels.Unet, false, "encoder_hidden_states", 1, "tokenizer.max_length", m => m.Tokenizer.MaxLength),
        new(PackModels.Unet, false, "encoder_hidden_states", 2, "stea.token_width", m => m.Stea.TokenWidth),
        new(PackModels.Unet, true, "out_sample", 1, "latent.channels", m => m.Latent.Channels),
        new(PackModels.VaeDecoder, false, "latent_sample", 1, "latent.channels", m => m.Latent.Channels),
        new(PackModels.VaeDecoder, true, "sample", 1, Rgb, _ => 3),
        new(PackModels.VaeEncoder, false, "sample", 1, Rgb, _ => 3),
        new(PackModels.VaeEncoder, true, "latent_sample", 1, "latent.channels", m => m.Latent.Channels),
        new(PackModels.FaceEncoder, false, "face", 1, Rgb, _ => 3),
        new(PackModels.FaceEncoder, false, "face", 2, "face.height", m => m.Face.Height),
        new(PackModels.FaceEncoder, false, "face", 3, "face.width", m => m.Face.Width),
        new(PackModels.FaceEncoder, true, "embedding", 1, "stea.face_width", m => m.Stea.FaceWidth),
        new(PackModels.Stea, false, "token", 1, "stea.token_width", m => m.Stea.TokenWidth),
        new(PackModels.Stea, false, "face", 1, "stea.face_width", m => m.Stea.FaceWidth),
        new(PackModels.Stea, true, "fused", 1, "stea.token_width", m => m.Stea.TokenWidth),
    ];

    /// <summary>Token ids are integers, the U-Net's timestep is checked on its own, every other tensor is a float.</summary>
    public static void CheckDTypes(PackManifest manifest)
    {
        foreach (var (model, spec) in manifest.Models)
            foreach (var (kind, tensors) in new[] { ("input", spec.Inputs), ("output", spec.Outputs) })
                foreach (var (role, tensor) in tensors)
                {
                    if (model == PackModels.Unet && role == "timestep") continue;
                    string[] allowed = model == PackModels.TextEncoder && role == "input_ids" ? ["int32", "int64"] : ["float32", "float16"];
                    if (!allowed.Contains(tensor.DType))
                        throw new PackException(
                            $"pack.json: models.{model} {kind} '{tensor.Name}' has dtype {tensor.DType}; it must be {string.Join(" or ", allowed)}");
                }
    }

    /// <summary>Every axis of <see cref="Axes"/> in the opened sessions (after each passed <see cref="PackContract.CheckSession"/>).</summary>
    public static void CheckAxes(PackManifest manifest, Func<string, InferenceSession> session)
    {
        foreach (var axis in Axes)
        {
            var spec = manifest.Models[axis.Model];
            var tensor = (axis.IsOutput ? spec.Outputs : spec.Inputs)[axis.Role];
            var metadata = (axis.IsOutput ? session(axis.Model).OutputMetadata : session(axis.Model).InputMetadata)[tensor.Name];
            var kind = axis.IsOutput ? "output" : "input";
            var expected = axis.Value(manifest);
            if (metadata.Dimensions.Length <= axis.Index)
                throw new PackException(
                    $"{spec.Path}: {kind} '{tensor.Name}' is {PackContract.Describe(metadata)}: axis {axis.Index} is missing ({axis.Expectation(expected)})");
            if (metadata.Dimensions[axis.Index] is var graphDim and > 0)
            {
                if (graphDim != expected)
                    throw new PackException(
                        $"{spec.Path}: {kind} '{tensor.Name}' is {PackContract.Describe(metadata)} in the graph, axis {axis.Index} is {graphDim}, but {axis.Expectation(expected)}");
            }
            else if (tensor.Shape[axis.Index].Size is { } declared && declared != expected)
                throw new PackException(
                    $"pack.json: models.{axis.Model} {kind} '{tensor.Name}' is declared {tensor}, axis {axis.Index} is {declared}, but {axis.Expectation(expected)}");
        }
    }
}
