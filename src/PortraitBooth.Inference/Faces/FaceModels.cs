using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using PortraitBooth.Inference.Execution;
using PortraitBooth.Inference.Packs;

namespace PortraitBooth.Inference.Faces;

/// <summary>The <c>face-models.json</c> written by the face-api converter beside the ONNX files.</summary>
/// <param name="PopulationMean">Mean descriptor of a fixed population of faces; identity similarity is computed around it.</param>
/// <param name="Population">What that population is, in words.</param>
public sealed record FaceModelsManifest(
    string Format,
    string Source,
    string AlignmentTemplate,
    float[] PopulationMean,
    string Population,
    IReadOnlyDictionary<string, string> Files)
{
    public const string CurrentFormat = "portraitbooth-face-models/1";
    public const string FileName = "face-models.json";

    public string ToJson() => JsonSerializer.Serialize(this, PackManifest.JsonOptions);

    public static FaceModelsManifest Parse(string json) =>
        JsonSerializer.Deserialize<FaceModelsManifest>(json, PackManifest.JsonOptions)
        ?? throw new InvalidDataException("face-models.json is empty");
}

/// <summary>The converted face networks (detector, 68 landmarks, recognizer, expressions, age/gender), one session each.</summary>
public sealed class FaceModels : IDisposable
{
    public const string DetectorFile = "detector.onnx";
    public const string LandmarksFile = "landmarks.onnx";
    public const string RecognizerFile = "recognizer.onnx";
    public const string ExpressionFile = "expression.onnx";
    public const string AgeGenderFile = "age_gender.onnx";
    public static readonly IReadOnlyList<string> OnnxFiles = [DetectorFile, LandmarksFile, RecognizerFile, ExpressionFile, AgeGenderFile];

    private readonly InferenceSession[] _sessions;

    private FaceModels(string directory, FaceModelsManifest? manifest, InferenceSession[] sessions)
    {
        Directory = directory;
        Manifest = manifest;
        _sessions = sessions;
        Detector = new FaceDetector(sessions[0]);
        Landmarker = new FaceLandmarker(sessions[1]);
        Recognizer = new FaceRecognizer(sessions[2]);
        Expressions = new ExpressionClassifier(sessions[3]);
        AgeGender = new AgeGenderEstimator(sessions[4]);
    }

    public string Directory { get; }
    /// <summary>Absent only while the converter is still computing the population mean.</summary>
    public FaceModelsManifest? Manifest { get; }
    public FaceDetector Detector { get; }
    public FaceLandmarker Landmarker { get; }
    public FaceRecognizer Recognizer { get; }
    public ExpressionClassifier Expressions { get; }
    public AgeGenderEstimator AgeGender { get; }

    public IdentityMetrics Metrics => Manifest is { PopulationMean.Length: > 0 } manifest
        ? new IdentityMetrics(manifest.PopulationMean)
        : throw new InvalidOperationException($"{Directory} has no population mean yet");

    public AlignmentTemplate Template => AlignmentTemplate.Named(Manifest?.AlignmentTemplate ?? AlignmentTemplate.Dlib150.Name);

    /// <summary>Opens a converted folder, checking every file against the manifest's sha256.</summary>
    /// <param name="execution">Where the sessions run (default: <see cref="ExecutionPlan.Cpu"/>).</param>
    public static FaceModels Open(string directory, ExecutionPlan? execution = null)
    {
        var manifestPath = Path.Combine(directory, FaceModelsManifest.FileName);
        if (!File.Exists(manifestPath))
            throw new FileNotFoundException($"{manifestPath} is missing: convert the face models first (portraitbooth models convert-face-api)", manifestPath);
        var manifest = FaceModelsManifest.Parse(File.ReadAllText(manifestPath));
        if (manifest.Format != FaceModelsManifest.CurrentFormat)
            throw new InvalidDataException($"{manifestPath}: format '{manifest.Format}' is not '{FaceModelsManifest.CurrentFormat}'");
        if (StaleReason(directory) is { } stale) throw new InvalidDataException(stale);
        foreach (var (file, sha256) in manifest.Files)
        {
            var path = Path.Combine(directory, file);
            if (!File.Exists(path)) throw new FileNotFoundException($"face model file '{file}' is missing from {directory}", path);
            if (PackFiles.Sha256Of(path) != sha256) throw new InvalidDataException($"face model file '{file}' does not match its sha256 in face-models.json");
        }
        return OpenUnverified(directory, manifest, execution);
    }

    /// <summary>
    /// Why the folder cannot be opened as it is (no manifest, or a manifest from a converter that wrote fewer
    /// networks than this one opens), or null; the first-use conversion converts again on any reason.
    /// </summary>
    public static string? StaleReason(string directory)
    {
        var manifestPath = Path.Combine(directory, FaceModelsManifest.FileName);
        if (!File.Exists(manifestPath))
            return $"{manifestPath} is missing: convert the face models first (portraitbooth models convert-face-api)";
        var listed = FaceModelsManifest.Parse(File.ReadAllText(manifestPath)).Files;
        var missing = OnnxFiles.Where(f => !listed.ContainsKey(f)).ToList();
        return missing.Count == 0 ? null
            : $"{manifestPath} lists no {string.Join(", ", missing)}: convert the face models again (portraitbooth models convert-face-api)";
    }

    /// <summary>Opens the networks without a manifest (used by the converter before the mean exists).</summary>
    public static FaceModels OpenUnverified(string directory, FaceModelsManifest? manifest = null, ExecutionPlan? execution = null)
    {
        var sessions = new List<InferenceSession>();
        try
        {
            foreach (var file in OnnxFiles) sessions.Add((execution ?? ExecutionPlan.Cpu).OpenSession(Path.Combine(directory, file)));
            return new FaceModels(Path.GetFullPath(directory), manifest, sessions.ToArray());
        }
        catch
        {
            foreach (var session in sessions) session.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        Landmarker.Dispose();
        Recognizer.Dispose();
        Expressions.Dispose();
        AgeGender.Dispose();
        foreach (var session in _sessions) session.Dispose();
    }
}
