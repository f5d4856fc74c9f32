using System.Diagnostics;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using PortraitBooth.Inference.Faces;
using PortraitBooth.ModelBuilder.FaceApi;
using PortraitBooth.Testing;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace PortraitBooth.ModelBuilder.Tests.FaceApi;

/// <summary>A face box in pixels as face-api's locateFaces reports it.</summary>
public sealed record JsDetection(float Score, float X, float Y, float Width, float Height)
{
    public RectangleF Box => new(X, Y, Width, Height);
}

/// <summary>One photo of the parity set; <paramref name="CheckPhotoPath"/> also compares face-api's own preparation
/// of the whole photo and its photo-pixel boxes (costs a full-size float copy of the photo on disk).</summary>
public sealed record DetectorPhoto(string Name, string Path, bool CheckPhotoPath);

/// <summary>What both implementations made of one photo.</summary>
public sealed record DetectorPhotoResult(
    DetectorPhoto Photo, float[] PreparedTensor, float[]? JsPreparedNhwc,
    DetectorPrediction OnnxRaw, DetectorPrediction JsRaw,
    IReadOnlyList<DetectedFace> OnnxDetections, IReadOnlyList<JsDetection> JsDetections,
    IReadOnlyList<DetectedFace>? OnnxPhotoDetections, IReadOnlyList<JsDetection>? JsPhotoDetections,
    double OnnxMs);

/// <summary>
/// Converts the detector once, prepares every photo of the set in C#, runs face-api's own detector on the same
/// tensors in one Node process (detection.js) and the ONNX model in ONNX Runtime; everything photo-derived lives
/// in a temporary folder that is deleted before the tests look at the results.
/// </summary>
public sealed class DetectorParityRun
{
    private static readonly Lazy<DetectorParityRun> SharedRun = new(() => new DetectorParityRun(), LazyThreadSafetyMode.ExecutionAndPublication);

    public static DetectorParityRun Shared => SharedRun.Value;

    /// <summary>The six npm demo group photos and a few identity portraits (scarlett_johansson/3 is WebP under .jpg).</summary>
    public static IReadOnlyList<string> PhotoNames { get; } =
    [
        "sample1", "sample2", "sample3", "sample4", "sample5", "sample6",
        "george_clooney/1", "scarlett_johansson/3", "angelina_jolie/4", "matt_damon/5",
    ];

    private static readonly HashSet<string> PhotoPathChecks = ["sample1", "george_clooney/1", "scarlett_johansson/3", "angelina_jolie/4"];

    public int OnnxBytes { get; }
    public double JsMsPerDetection { get; }
    public IReadOnlyDictionary<string, DetectorPhotoResult> Results { get; }

    /// <summary>The photo's path; skips (or fails in CI) when its source is missing, which skips the whole run.</summary>
    public static string RequirePhoto(string name) => name.StartsWith("sample", StringComparison.Ordinal)
        ? RequireFile(FaceApiReference.SamplePhoto(int.Parse(name["sample".Length..])))
        : SharedData.Require(["data", "identities", .. (name + ".jpg").Split('/')]);

    private static string RequireFile(string path) => File.Exists(path) ? path : throw new FileNotFoundException(path);

    private DetectorParityRun()
    {
        var weights = TfjsWeightMap.Load(Path.Combine(FaceApiReference.ModelDirectory, "ssd_mobilenetv1_model-weights_manifest.json"));
        var onnx = SsdMobilenetConverter.Build(weights);
        OnnxBytes = onnx.Length;
        using var session = new InferenceSession(onnx);
        var detector = new FaceDetector(session);

        var photos = PhotoNames.Select(name => new DetectorPhoto(name, RequirePhoto(name), PhotoPathChecks.Contains(name))).ToList();
        var folder = Directory.CreateTempSubdirectory("portraitbooth-detector-");
        try
        {
            var prepared = new Dictionary<string, float[]>();
            var jobs = new List<object>();
            foreach (var (photo, index) in photos.Select((p, i) => (p, i)))
            {
                using var image = Image.Load<Rgb24>(photo.Path);
                var tensorPath = Path.Combine(folder.FullName, $"{index}.input.f32");
                prepared[photo.Name] = FaceApiInput.Prepare(image, detector.InputSize, centred: false).Tensor;
                ReferenceTensorFiles.Write(tensorPath, prepared[photo.Name]);
                object? imageJob = null;
                if (photo.CheckPhotoPath)
                {
                    var photoPath = Path.Combine(folder.FullName, $"{index}.photo.f32");
                    ReferenceTensorFiles.Write(photoPath, ReferenceTensorFiles.Hwc(image));
                    imageJob = new { path = photoPath, height = image.Height, width = image.Width };
                }
                jobs.Add(new { name = index.ToString(), tensor = tensorPath, image = imageJob });
            }
            var jobsPath = Path.Combine(folder.FullName, "jobs.json");
            File.WriteAllText(jobsPath, JsonSerializer.Serialize(jobs));
            var output = JsonSerializer.Deserialize<NodeOutput>(FaceApiReference.RunNode("detection.js", jobsPath, folder.FullName), JsonSerializerOptions.Web)!;
            JsMsPerDetection = output.MsPerDetection;

            var results = new Dictionary<string, DetectorPhotoResult>();
            foreach (var (photo, index) in photos.Select((p, i) => (p, i)))
            {
                var js = output.Jobs[index];
                var tensor = prepared[photo.Name];
                string File(string kind) => Path.Combine(folder.FullName, $"{index}.{kind}.f32");
                _ = detector.Detect(tensor); // warm-up, so the timing below is the steady state
                var started = Stopwatch.GetTimestamp();
                var detections = detector.Detect(tensor);
                var onnxMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                IReadOnlyList<DetectedFace>? photoDetections = null;
                if (photo.CheckPhotoPath)
                {
                    using var image = Image.Load<Rgb24>(photo.Path);
                    photoDetections = detector.Detect(image);
                }
                results[photo.Name] = new DetectorPhotoResult(photo, tensor,
                    photo.CheckPhotoPath ? ReferenceTensorFiles.Read(File("batch")) : null,
                    detector.Predict(tensor), new DetectorPrediction(ReferenceTensorFiles.Read(File("boxes")), ReferenceTensorFiles.Read(File("scores"))),
                    detections, js.Detections, photoDetections, js.ImageDetections, onnxMs);
            }
            Results = results;
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private sealed record NodeJob(string Name, IReadOnlyList<JsDetection> Detections, IReadOnlyList<JsDetection>? ImageDetections);

    private sealed record NodeOutput(IReadOnlyList<NodeJob> Jobs, double MsPerDetection);
}
