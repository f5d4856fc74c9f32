using System.Text.Json;
using System.Text.Json.Serialization;
using PortraitBooth.Inference.Images;

namespace PortraitBooth.Inference.Packs;

/// <summary>
/// The <c>pack.json</c> of a model pack: everything the runtime needs to know about the ONNX files beside it.
/// Sizes, tensor names and dtypes are read from here (and checked against the ONNX metadata), never hard-coded.
/// </summary>
public sealed record PackManifest
{
    public const string CurrentFormat = "portraitbooth-pack/1";
    public const string FileName = "pack.json";

    public required string Format { get; init; }
    public required string Name { get; init; }
    public required string Version { get; init; }
    public required LatentSpec Latent { get; init; }
    public required ImageSizeSpec Size { get; init; }
    public required SchedulerConfig Scheduler { get; init; }
    public required TokenizerSpec Tokenizer { get; init; }
    /// <summary>Class words whose encoder output is fused with a face embedding ("man", "woman").</summary>
    public required IReadOnlyList<string> IdentityWords { get; init; }
    /// <summary>Emotion words the pack was trained to follow ("happy", "sad", ...).</summary>
    public required IReadOnlyList<string> ExpressionWords { get; init; }
    public required FacePreprocessing Face { get; init; }
    public required FuseSpec Stea { get; init; }
    /// <summary>Keyed by role: see <see cref="PackModels"/>.</summary>
    public required IReadOnlyDictionary<string, ModelSpec> Models { get; init; }
    /// <summary>Every file of the pack (relative path, '/' separated) with its lower-case hex sha256.</summary>
    public required IReadOnlyDictionary<string, string> Files { get; init; }
    /// <summary>Optional: the VAE's pixel range; absent means SD's [−1, 1].</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public VaeSpec? Vae { get; init; }
    /// <summary>Optional: steps, guidance and size when a request names none; absent fields keep the global ones.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DefaultsSpec? Defaults { get; init; }
    /// <summary>Optional: the model card (what the pack is, what it was trained on, its licence).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ModelCard? Card { get; init; }

    /// <summary>The range of the VAE decoder's output and the encoder's input: <c>vae.pixel_range</c>, else [−1, 1].</summary>
    [JsonIgnore]
    public PixelRange PixelRange => Vae?.PixelRange is [var low, var high] ? new PixelRange((float)low, (float)high) : PixelRange.Symmetric;

    /// <inheritdoc cref="PackDefaults.Of"/>
    [JsonIgnore]
    public PackDefaults SamplingDefaults => PackDefaults.Of(this);

    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        Converters = { new TensorDimJsonConverter() },
    };

    public static PackManifest Parse(string json) =>
        JsonSerializer.Deserialize<PackManifest>(json, JsonOptions)
        ?? throw new PackException("pack.json is empty");

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);
}

/// <summary>Model roles, the keys of <see cref="PackManifest.Models"/>, and the tensor roles each one has.</summary>
public static class PackModels
{
    public const string TextEncoder = "text_encoder";
    public const string Unet = "unet";
    public const string VaeDecoder = "vae_decoder";
    public const string VaeEncoder = "vae_encoder";
    public const string FaceEncoder = "face_encoder";
    public const string Stea = "stea";

    public static readonly IReadOnlyList<string> All = [TextEncoder, Unet, VaeDecoder, VaeEncoder, FaceEncoder, Stea];

    /// <summary>Input and output roles per model; the tensor name behind a role may differ in a real export.</summary>
    public static readonly IReadOnlyDictionary<string, (string[] Inputs, string[] Outputs)> Roles =
        new Dictionary<string, (string[], string[])>
        {
            [TextEncoder] = (["input_ids"], ["last_hidden_state"]),
            [Unet] = (["sample", "timestep", "encoder_hidden_states"], ["out_sample"]),
            [VaeDecoder] = (["latent_sample"], ["sample"]),
            [VaeEncoder] = (["sample"], ["latent_sample"]),
            [FaceEncoder] = (["face"], ["embedding"]),
            [Stea] = (["token", "face"], ["fused"]),
        };
}

/// <param name="Channels">Latent channels (4 for SD 1.5).</param>
/// <param name="ScalingFactor">VAE scaling factor (0.18215 for SD 1.5).</param>
/// <param name="VaeScale">Image pixels per latent pixel along each axis (8 for SD 1.5).</param>
public sealed record LatentSpec(int Channels, double ScalingFactor, int VaeScale);

/// <param name="PixelRange">[lo, hi] of the decoder's output and the encoder's input: [0, 1] for TAEF2, [−1, 1] for SD.</param>
public sealed record VaeSpec(IReadOnlyList<double>? PixelRange);

/// <summary>The <c>defaults</c> section: each field optional (see <see cref="PackDefaults"/>).</summary>
public sealed record DefaultsSpec(int? Steps, float? Guidance, int? Width, int? Height);

/// <summary>The <c>card</c> section, shown by <c>/v1/packs</c>, <c>pack verify</c> and the dashboard.</summary>
/// <param name="Prompts">What prompts the pack understands and what it does not.</param>
/// <param name="Readme">A longer description: a file of the pack (relative path, in <see cref="PackManifest.Files"/>).</param>
public sealed record ModelCard(string? Description, string? TrainingData, string? Licence, string? Prompts, string? Readme);

/// <param name="Multiple">Width and height must be multiples of this (64 for traced SD-1.5 U-Nets, 8 for dynamic ones).</param>
public sealed record ImageSizeSpec(int DefaultWidth, int DefaultHeight, int Multiple, int Min, int Max);

public sealed record SchedulerConfig(
    string Type,
    int NumTrainTimesteps,
    double BetaStart,
    double BetaEnd,
    string BetaSchedule,
    string TimestepSpacing,
    int StepsOffset,
    string PredictionType);

/// <param name="MaxLength">Context length, start and end tokens included (77 for CLIP).</param>
public sealed record TokenizerSpec(string Vocab, string Merges, int MaxLength, int PadId, int BosId, int EosId);

/// <summary>How an image becomes the face encoder's input.</summary>
/// <param name="Alignment">The alignment template ("arcface-112", "dlib-150"; see Faces.AlignmentTemplate) or "center_crop" for none.</param>
/// <param name="ColorOrder">"rgb" or "bgr".</param>
/// <param name="Mean">Per-channel mean subtracted from pixel values scaled to [0,1].</param>
/// <param name="Std">Per-channel divisor applied after the mean.</param>
public sealed record FacePreprocessing(int Width, int Height, string Alignment, float[] Mean, float[] Std, string ColorOrder);

/// <param name="TokenWidth">Width of a text-encoder output row.</param>
/// <param name="FaceWidth">Width of the face embedding.</param>
/// <param name="HiddenWidth">Width of the MLP's hidden layer.</param>
public sealed record FuseSpec(int TokenWidth, int FaceWidth, int HiddenWidth);

/// <param name="Path">Relative to the pack folder, '/' separated.</param>
/// <param name="Inputs">Keyed by role (<see cref="PackModels.Roles"/>).</param>
/// <param name="Outputs">Keyed by role.</param>
public sealed record ModelSpec(
    string Path,
    IReadOnlyDictionary<string, TensorSpec> Inputs,
    IReadOnlyDictionary<string, TensorSpec> Outputs);

/// <param name="Name">The tensor's name in the ONNX graph.</param>
/// <param name="DType">"float32", "float16", "int32" or "int64".</param>
public sealed record TensorSpec(string Name, [property: JsonPropertyName("dtype")] string DType, IReadOnlyList<TensorDim> Shape)
{
    public override string ToString() => $"{DType}[{string.Join(",", Shape)}]";
}

/// <summary>A fixed size or a named symbolic dimension ("B", "H", ...).</summary>
public readonly record struct TensorDim(int? Size, string? Symbol)
{
    public static TensorDim Of(int size) => new(size, null);
    public static TensorDim Named(string symbol) => new(null, symbol);
    public static implicit operator TensorDim(int size) => Of(size);
    public static implicit operator TensorDim(string symbol) => Named(symbol);
    public bool IsFixed => Size.HasValue;
    public override string ToString() => Size?.ToString() ?? Symbol ?? "?";
}

internal sealed class TensorDimJsonConverter : JsonConverter<TensorDim>
{
    public override TensorDim Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType switch
        {
            JsonTokenType.Number => TensorDim.Of(reader.GetInt32()),
            JsonTokenType.String => TensorDim.Named(reader.GetString()!),
            _ => throw new JsonException("a tensor dimension is a number or a name"),
        };

    public override void Write(Utf8JsonWriter writer, TensorDim value, JsonSerializerOptions options)
    {
        if (value.Size is { } size) writer.WriteNumberValue(size);
        else writer.WriteStringValue(value.Symbol ?? "?");
    }
}

/// <summary>A pack that cannot be used; the message names the file and the problem.</summary>
public sealed class PackException(string message, Exception? inner = null) : Exception(message, inner);
