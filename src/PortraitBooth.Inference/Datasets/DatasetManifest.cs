using System.Text.Json;
using System.Text.Json.Serialization;

namespace PortraitBooth.Inference.Datasets;

/// <summary>
/// <c>manifest.json</c> of a prepared dataset (docs/dataset.md): what the trainer reads. snake_case JSON, written last
/// and atomically, so a folder whose manifest exists is complete.
/// </summary>
public sealed record DatasetManifest(
    string Format,
    string Name,
    DatasetSource Source,
    DatasetCrop Crop,
    DatasetFaceEncoder FaceEncoder,
    IReadOnlyList<string> IdentityWords,
    IReadOnlyList<string> ExpressionWords,
    DatasetTokenizer Tokenizer,
    DatasetThresholds Thresholds,
    DatasetSplit Split,
    DatasetCounts Counts,
    IReadOnlyList<DatasetSample> Samples,
    IReadOnlyList<DroppedPhoto> Dropped)
{
    public const string CurrentFormat = "portraitbooth-dataset/1";
    public const string FileName = "manifest.json";

    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        WriteIndented = false,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    public static DatasetManifest Parse(string json, string name = FileName)
    {
        DatasetManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<DatasetManifest>(json, JsonOptions);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{name} is not a dataset manifest: {e.Message}", e);
        }
        if (manifest is null) throw new InvalidDataException($"{name} is empty");
        if (manifest.Format != CurrentFormat)
            throw new InvalidDataException($"{name}: format '{manifest.Format}' is not '{CurrentFormat}'");
        // An earlier version of the format lacked some sections: name them rather than fail later on a null.
        var missing = new (string Key, object? Value)[]
            {
                ("source", manifest.Source), ("crop", manifest.Crop), ("face_encoder", manifest.FaceEncoder),
                ("identity_words", manifest.IdentityWords), ("expression_words", manifest.ExpressionWords),
                ("tokenizer", manifest.Tokenizer), ("thresholds", manifest.Thresholds), ("split", manifest.Split),
                ("counts", manifest.Counts), ("samples", manifest.Samples), ("dropped", manifest.Dropped),
            }
            .Where(section => section.Value is null).Select(section => section.Key).ToList();
        if (missing.Count > 0) throw new InvalidDataException($"{name}: missing {string.Join(", ", missing)}");
        return manifest;
    }

    public static DatasetManifest Read(string path) =>
        File.Exists(path) ? Parse(File.ReadAllText(path), path) : throw new FileNotFoundException($"{path} does not exist", path);

    /// <summary>Writes to a temporary file beside <paramref name="path"/> and renames it over the target.</summary>
    public void Write(string path) => AtomicFile.WriteAllText(path, ToJson());
}

/// <param name="Path">Absolute path of the photo folder the dataset was prepared from.</param>
/// <param name="Description">What it is, from its SOURCE.md.</param>
/// <param name="Licence">The source's licence, which anything trained on it inherits.</param>
public sealed record DatasetSource(string Path, string Description, string Licence);

/// <summary>The portrait framing of every crop: the template's eye and mouth centres in units of the side.</summary>
public sealed record DatasetCrop(int Size, string Template, float[] LeftEye, float[] RightEye, float[] Mouth);

/// <summary>How <see cref="DatasetSample.Embedding"/> was computed: the alignment template and the recognizer's file hash.</summary>
public sealed record DatasetFaceEncoder(string Alignment, int Width, string Sha256);

/// <summary>What the trainer needs to pad the ids: context length, start, end and pad ids, and the empty prompt.</summary>
public sealed record DatasetTokenizer(int MaxLength, int BosId, int EosId, int PadId, int[] EmptyPromptIds);

/// <summary>The split by person: the seed and how many people each part holds.</summary>
public sealed record DatasetSplit(int Seed, int TrainPeople, int ValidationPeople, int TestPeople);

public sealed record DatasetCounts(int Photos, int Kept, int Dropped, IReadOnlyDictionary<string, int> DroppedByReason);

/// <summary>One kept photo. Pixel values (<see cref="FaceBox"/>, <see cref="EyeToMouth"/>) are in the original photo; <see cref="Landmarks"/> in crop pixels.</summary>
/// <param name="FaceBox">The main face's detection box [x, y, width, height] in photo pixels.</param>
/// <param name="OutsideFraction">Share of the crop that lay outside the photo (filled by edge replication).</param>
/// <param name="Landmarks">68 points [x, y] in crop pixels, after the warp that made the crop.</param>
/// <param name="Embedding">The raw 128-D recognizer descriptor, exactly as the runtime's face encoder gives it for this photo.</param>
/// <param name="Gender">The person's class word (per-person majority), the same for all their photos.</param>
/// <param name="GenderProbability">This photo's own probability of that gender.</param>
/// <param name="EyeToMouth">Mean distance from each eye centre to the mouth centre, in photo pixels.</param>
public sealed record DatasetSample(
    string Id,
    string Photo,
    string Person,
    string Split,
    string Crop,
    string Mask,
    int FacesFound,
    float[] FaceBox,
    float DetectionScore,
    float OutsideFraction,
    float[][] Landmarks,
    float[] Embedding,
    string Gender,
    float GenderProbability,
    float Age,
    float EyeToMouth,
    IReadOnlyDictionary<string, float> Expressions,
    IReadOnlyList<DatasetCaption> Captions);

/// <param name="Ids">CLIP ids, start and end included, no padding.</param>
/// <param name="IdentityIndex">Position of the identity word in <see cref="Ids"/>.</param>
/// <param name="ExpressionIndex">Position of the expression word's first token, or null.</param>
public sealed record DatasetCaption(string Text, int[] Ids, int IdentityIndex, string? ExpressionWord, int? ExpressionIndex);

/// <param name="Detail">The specific problem (a decoder's message, the measured size), where there is one.</param>
public sealed record DroppedPhoto(string Photo, string Reason, string? Detail = null);
