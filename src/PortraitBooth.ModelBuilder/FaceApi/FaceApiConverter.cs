using PortraitBooth.Inference.Faces;
using PortraitBooth.Inference.Images;
using PortraitBooth.Inference.Packs;

namespace PortraitBooth.ModelBuilder.FaceApi;

/// <summary>
/// Converts face-api's five TF.js networks to ONNX and writes face-models.json: file hashes, the alignment
/// template, and the population mean descriptor — the mean of every face found in face-api's six demo group
/// photos, so that identity similarity (cosine of mean-centred descriptors) is fixed and reproducible.
/// </summary>
public static class FaceApiConverter
{
    public const string Source = "@vladmandic/face-api@1.7.15 (MIT); recognizer ported from dlib's public-domain model";

    /// <param name="faceApiDirectory">The extracted package: <c>model/</c> with the weights and <c>demo/sample1..6.jpg</c>.</param>
    public static FaceModelsManifest Convert(string faceApiDirectory, string outputDirectory)
    {
        var modelDirectory = Path.Combine(faceApiDirectory, "model");
        if (!Directory.Exists(modelDirectory))
            throw new DirectoryNotFoundException($"{modelDirectory} is missing: run scripts/fetch-face-api.sh first");
        var target = Path.GetFullPath(outputDirectory);
        var staging = $"{target}.partial-{Guid.NewGuid():N}";
        Directory.CreateDirectory(staging);
        try
        {
            Write(staging, FaceModels.DetectorFile, SsdMobilenetConverter.Build(Load(modelDirectory, "ssd_mobilenetv1_model")));
            Write(staging, FaceModels.LandmarksFile, FaceLandmarkConverter.Build(Load(modelDirectory, "face_landmark_68_model")));
            Write(staging, FaceModels.RecognizerFile, FaceRecognitionConverter.Build(Load(modelDirectory, "face_recognition_model")));
            Write(staging, FaceModels.ExpressionFile, FaceExpressionConverter.Build(Load(modelDirectory, "face_expression_model")));
            Write(staging, FaceModels.AgeGenderFile, AgeGenderConverter.Build(Load(modelDirectory, "age_gender_model")));

            var (mean, faces) = PopulationMean(staging, Path.Combine(faceApiDirectory, "demo"));
            var manifest = new FaceModelsManifest(
                FaceModelsManifest.CurrentFormat, Source, AlignmentTemplate.Dlib150.Name, mean,
                $"mean descriptor of the {faces} faces that the converted pipeline finds in face-api's demo/sample1.jpg … sample6.jpg",
                FaceModels.OnnxFiles.ToDictionary(f => f, f => PackFiles.Sha256Of(Path.Combine(staging, f))));
            File.WriteAllText(Path.Combine(staging, FaceModelsManifest.FileName), manifest.ToJson());

            if (Directory.Exists(target)) Directory.Delete(target, recursive: true);
            Directory.Move(staging, target);
            return manifest;
        }
        catch
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
            throw;
        }
    }

    private static (float[] Mean, int Faces) PopulationMean(string modelsDirectory, string samplesDirectory)
    {
        using var models = FaceModels.OpenUnverified(modelsDirectory);
        var analyzer = new FaceAnalyzer(models);
        var descriptors = new List<float[]>();
        for (var n = 1; n <= 6; n++)
        {
            using var photo = ImageDecoding.LoadRgb(Path.Combine(samplesDirectory, $"sample{n}.jpg"));
            descriptors.AddRange(analyzer.Analyze(photo, withExpressions: false).Select(f => f.Descriptor));
        }
        if (descriptors.Count == 0) throw new InvalidDataException("no face found in the demo photos; the conversion is broken");
        var mean = new float[descriptors[0].Length];
        foreach (var descriptor in descriptors)
            for (var i = 0; i < mean.Length; i++) mean[i] += descriptor[i] / descriptors.Count;
        return (mean, descriptors.Count);
    }

    private static TfjsWeightMap Load(string modelDirectory, string name) =>
        TfjsWeightMap.Load(Path.Combine(modelDirectory, $"{name}-weights_manifest.json"));

    private static void Write(string directory, string file, byte[] bytes) => File.WriteAllBytes(Path.Combine(directory, file), bytes);
}
