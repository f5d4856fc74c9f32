using System.Text.Json;
using PortraitBooth.Inference.Faces;
using PortraitBooth.Inference.Images;
using PortraitBooth.ModelBuilder.FaceApi;
using PortraitBooth.Testing;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace PortraitBooth.ModelBuilder.Tests.FaceApi;

/// <summary>
/// The converted age/gender net against face-api's own AgeGenderNet (wasm backend): on the same input tensors of
/// every face of face-api's six demo photos, and end to end, on the crop face-api's landmark pipeline cuts itself.
/// </summary>
public sealed class AgeGenderParityTests(ConvertedFaceModels converted)
{
    private const float GenderTolerance = 1e-3f;
    private const float AgeTolerance = 0.05f;

    [Fact]
    public void Age_and_gender_match_face_api_within_1e_3_and_0_05_years_on_the_same_face_crops()
    {
        using var models = FaceModels.Open(converted.Directory);
        var analyzer = new FaceAnalyzer(models);
        var crops = new List<Image<Rgb24>>();
        try
        {
            for (var sample = 1; sample <= 6; sample++)
            {
                using var photo = ImageDecoding.LoadRgb(FaceApiReference.SamplePhoto(sample));
                foreach (var face in analyzer.Analyze(photo, withExpressions: false))
                    crops.Add(photo.Clone(c => c.Crop(AgeGenderEstimator.CropRegion(face.Landmarks, photo.Width, photo.Height)!.Value)));
            }
            Assert.True(crops.Count >= 8, $"{crops.Count} faces in the demo photos");
            var side = models.AgeGender.InputSize;
            var images = FaceCrops.Batch(crops, side);
            var reference = RunNet(images, crops.Count, side);

            var ours = models.AgeGender.Estimate(images, crops.Count);
            var oneByOne = crops.Select(models.AgeGender.Estimate).ToArray();

            var ageError = ours.Select((e, i) => MathF.Abs(e.Age - reference[3 * i])).Max();
            var genderError = ours.Select((e, i) => Math.Max(MathF.Abs(e.MaleProbability - reference[3 * i + 1]),
                MathF.Abs(e.FemaleProbability - reference[3 * i + 2]))).Max();
            Report($"{crops.Count} faces: max |Δ age| {ageError:E2} years, max |Δ p(gender)| {genderError:E2}; ages " +
                string.Join(", ", ours.Select(e => $"{e.Age:F0}{(e.IsMale ? "M" : "F")}")));
            Assert.True(ageError <= AgeTolerance, $"age differs from face-api's by up to {ageError} years");
            Assert.True(genderError <= GenderTolerance, $"gender probability differs from face-api's by up to {genderError}");
            Assert.Equal(ours, oneByOne, (a, b) => MathF.Abs(a.Age - b.Age) < 1e-4f && MathF.Abs(a.MaleProbability - b.MaleProbability) < 1e-6f);
            // Real faces of adults (the demo photos show young women): a plausible age.
            Assert.All(ours, e => Assert.InRange(e.Age, 10f, 80f));
        }
        finally
        {
            foreach (var crop in crops) crop.Dispose();
        }
    }

    /// <summary>
    /// face-api's <c>withFaceLandmarks().withAgeAndGender()</c> cuts its own crop from its landmarks: given the same
    /// landmarks, <see cref="AgeGenderEstimator.CropRegion"/> must give exactly that crop, and the estimate on it
    /// face-api's numbers.
    /// </summary>
    [Fact]
    public void The_crop_from_face_api_landmarks_is_face_api_own_and_gives_its_age_and_gender()
    {
        using var models = FaceModels.Open(converted.Directory);
        var photos = Enumerable.Range(1, 6).Select(n => ImageDecoding.LoadRgb(FaceApiReference.SamplePhoto(n))).ToList();
        var scratch = Directory.CreateTempSubdirectory("portraitbooth-agegender-");
        try
        {
            var output = Path.Combine(scratch.FullName, "out.json");
            FaceApiReference.RunNode("agegender.js", [output, .. FaceApiJsPipeline.WriteRawPhotos(scratch.FullName, photos)]);
            using var json = JsonDocument.Parse(File.ReadAllText(output));

            var (faces, worstAge, worstGender) = (0, 0f, 0f);
            foreach (var (result, photo) in json.RootElement.EnumerateArray().Zip(photos))
                foreach (var face in result.GetProperty("faces").EnumerateArray())
                {
                    var landmarks = face.GetProperty("landmarks").EnumerateArray()
                        .Select(p => new PointF(p[0].GetSingle(), p[1].GetSingle())).ToArray();
                    var crop = face.GetProperty("crop").EnumerateArray().Select(v => v.GetInt32()).ToArray();
                    Assert.Equal(new Rectangle(crop[0], crop[1], crop[2], crop[3]), AgeGenderEstimator.CropRegion(landmarks, photo.Width, photo.Height));

                    var estimate = models.AgeGender.Estimate(photo, landmarks);
                    Assert.Equal(face.GetProperty("gender").GetString() == "male", estimate.IsMale);
                    worstAge = Math.Max(worstAge, MathF.Abs(estimate.Age - face.GetProperty("age").GetSingle()));
                    worstGender = Math.Max(worstGender, MathF.Abs(estimate.GenderProbability - face.GetProperty("gender_probability").GetSingle()));
                    faces++;
                }
            Report($"end to end on face-api's own crops, {faces} faces: max |Δ age| {worstAge:E2} years, max |Δ genderProbability| {worstGender:E2}");
            Assert.True(faces >= 8, $"face-api found {faces} faces");
            Assert.True(worstAge <= AgeTolerance, $"age differs by up to {worstAge} years");
            Assert.True(worstGender <= GenderTolerance, $"gender probability differs by up to {worstGender}");
        }
        finally
        {
            scratch.Delete(recursive: true);
            foreach (var photo in photos) photo.Dispose();
        }
    }

    /// <summary>The identity portraits' manifest gives each person's gender: the estimate should agree on nearly every photo.</summary>
    [Fact]
    public void Gender_agrees_with_the_identity_manifest_on_nearly_every_portrait()
    {
        var root = SharedData.Require("data", "identities");
        var genders = File.ReadAllLines(Path.Combine(root, "manifest.tsv")).Skip(1).Select(l => l.Split('\t'))
            .ToDictionary(f => f[2], f => f[1] == "M");
        using var models = FaceModels.Open(converted.Directory);
        var analyzer = new FaceAnalyzer(models);
        var wrong = new List<string>();
        foreach (var (file, male) in genders)
        {
            using var photo = ImageDecoding.LoadRgb(Path.Combine(root, file));
            var face = analyzer.Largest(photo, file, withExpressions: false, withAgeGender: true).Face;
            if (face.AgeGender!.IsMale != male) wrong.Add($"{file} ({face.AgeGender.MaleProbability:F2} male)");
        }
        Report($"{genders.Count - wrong.Count} of {genders.Count} portraits right; wrong: {string.Join(", ", wrong)}");
        Assert.True(wrong.Count <= genders.Count / 10, $"wrong on {wrong.Count} of {genders.Count}: {string.Join(", ", wrong)}");
    }

    /// <summary>face-api's AgeGenderNet on the prepared batch: per face (age, p(male), p(female)).</summary>
    private static float[] RunNet(float[] images, int batch, int side)
    {
        var scratch = Directory.CreateTempSubdirectory("portraitbooth-agegender-");
        try
        {
            string File(string name) => Path.Combine(scratch.FullName, name);
            ReferenceTensorFiles.Write(File("faces.in"), images);
            System.IO.File.WriteAllText(File("jobs.json"), JsonSerializer.Serialize(new[]
            {
                new { job = "age_gender", input = File("faces.in"), shape = new[] { batch, 3, side, side }, output = File("faces.out") },
            }));
            FaceApiReference.RunNode("nets.js", File("jobs.json"));
            return ReferenceTensorFiles.Read(File("faces.out"));
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }

    private static void Report(string line) => TestContext.Current.TestOutputHelper?.WriteLine(line);
}
