using System.Diagnostics;
using PortraitBooth.Inference.Faces;
using PortraitBooth.Inference.Images;
using PortraitBooth.ModelBuilder.FaceApi;
using PortraitBooth.Testing;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace PortraitBooth.ModelBuilder.Tests.FaceApi;

/// <summary>
/// Same-person vs different-person separation over the photos in ../shared/data/identities, ours against
/// face-api's own JS pipeline on identical decoded pixels (each photo scaled to at most 1024 px first).
/// </summary>
public sealed class VerificationQualityTests(ConvertedFaceModels converted)
{
    private const int LongestSide = 1024;

    [Fact]
    public void Identity_similarity_separates_people_as_well_as_face_api_itself()
    {
        var root = SharedData.Require("data", "identities");
        var photos = File.ReadAllLines(Path.Combine(root, "manifest.tsv")).Skip(1)
            .Select(line => line.Split('\t')).Select(cols => (Person: cols[0], File: Path.Combine(root, cols[2]))).ToList();
        using var models = FaceModels.Open(converted.Directory);
        var analyzer = new FaceAnalyzer(models);
        var images = new List<Image<Rgb24>>();
        try
        {
            var ours = new List<float[]?>();
            var clock = new Stopwatch();
            foreach (var photo in photos)
            {
                var image = ImageDecoding.LoadRgb(photo.File);
                images.Add(image);
                ImageScaling.ShrinkToFit(image, LongestSide);
                clock.Start();
                var faces = analyzer.Analyze(image, withExpressions: false);
                clock.Stop();
                ours.Add(faces.Count > 0 ? faces[0].Descriptor : null);
            }
            var js = FaceApiJsPipeline.Run(FaceApiReference.InstalledScriptDirectory, FaceApiReference.ModelDirectory, images);
            var theirs = js.Select(r => r.Descriptor).ToList();
            var jsMs = js.Average(r => r.Ms);

            var people = photos.Select(p => p.Person).ToList();
            var ourSimilarity = Verification.Evaluate(people, ours, (a, b) => models.Metrics.Similarity(a, b));
            var ourDistance = Verification.Evaluate(people, ours, (a, b) => -IdentityMetrics.Distance(a, b));
            var theirDistance = Verification.Evaluate(people, theirs, (a, b) => -IdentityMetrics.Distance(a, b));
            var output = TestContext.Current.TestOutputHelper;
            output?.WriteLine($"{photos.Count} photos, {ours.Count(d => d is null)} without a face (ours), {theirs.Count(d => d is null)} (face-api)");
            output?.WriteLine($"ours, mean-centred cosine: AUC {ourSimilarity.Auc:F4}, best accuracy {ourSimilarity.BestAccuracy:F4} at {ourSimilarity.BestThreshold:F3}");
            output?.WriteLine($"ours, Euclidean distance:  AUC {ourDistance.Auc:F4}, best accuracy {ourDistance.BestAccuracy:F4} at {-ourDistance.BestThreshold:F3}");
            output?.WriteLine($"face-api JS, Euclidean:    AUC {theirDistance.Auc:F4}, best accuracy {theirDistance.BestAccuracy:F4} at {-theirDistance.BestThreshold:F3}");
            output?.WriteLine($"detect+landmarks+embed per photo: ours {clock.Elapsed.TotalMilliseconds / photos.Count:F0} ms, face-api wasm {jsMs:F0} ms");

            Assert.True(ourSimilarity.Auc >= 0.98, $"AUC {ourSimilarity.Auc}");
            Assert.True(ourSimilarity.Auc >= theirDistance.Auc - 0.01, $"ours {ourSimilarity.Auc} vs face-api {theirDistance.Auc}");
        }
        finally
        {
            foreach (var image in images) image.Dispose();
        }
    }
}

/// <summary>ROC AUC (Mann-Whitney, ties count half) and the best single-threshold accuracy over all photo pairs.</summary>
internal static class Verification
{
    public sealed record Result(double Auc, double BestAccuracy, double BestThreshold);

    /// <summary>A photo without a face scores lowest against everything (the paper's protocol: 0 if none).</summary>
    public static Result Evaluate(IReadOnlyList<string> people, IReadOnlyList<float[]?> descriptors, Func<float[], float[], float> score)
    {
        var pairs = new List<(double Score, bool Same)>();
        for (var i = 0; i < people.Count; i++)
            for (var j = i + 1; j < people.Count; j++)
            {
                var (a, b) = (descriptors[i], descriptors[j]);
                pairs.Add((a is null || b is null ? double.NegativeInfinity : score(a, b), people[i] == people[j]));
            }
        var positives = pairs.Where(p => p.Same).Select(p => p.Score).ToArray();
        var negatives = pairs.Where(p => !p.Same).Select(p => p.Score).ToArray();
        double wins = 0;
        foreach (var p in positives)
            foreach (var n in negatives)
                wins += p > n ? 1 : p == n ? 0.5 : 0;
        var auc = wins / ((double)positives.Length * negatives.Length);

        var (bestAccuracy, bestThreshold) = (0.0, 0.0);
        foreach (var threshold in pairs.Select(p => p.Score).Where(double.IsFinite).Distinct())
        {
            var correct = pairs.Count(p => (p.Score >= threshold) == p.Same);
            var accuracy = (double)correct / pairs.Count;
            if (accuracy > bestAccuracy) (bestAccuracy, bestThreshold) = (accuracy, threshold);
        }
        return new Result(auc, bestAccuracy, bestThreshold);
    }
}
