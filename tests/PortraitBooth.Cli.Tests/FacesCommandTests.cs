using System.Text.Json;
using PortraitBooth.Inference.Faces;
using PortraitBooth.Inference.Images;
using PortraitBooth.Testing;

namespace PortraitBooth.Cli.Tests;

public sealed class FacesCommandTests : IClassFixture<CliFixture>
{
    private readonly CliFixture fixture;

    public FacesCommandTests(CliFixture fixture)
    {
        this.fixture = fixture;
        fixture.UseFaceModels();
    }

    [Fact]
    public void Detect_lists_every_face_of_a_group_photo_with_68_landmarks_inside_its_box()
    {
        var result = fixture.Run("faces", "detect", FaceApiReference.SamplePhoto(1));
        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.Stdout);
        Assert.True(json.RootElement.GetArrayLength() >= 2, $"{json.RootElement.GetArrayLength()} faces");
        AssertDetections(json.RootElement, "sample1.jpg");
    }

    /// <summary>
    /// detect and expression on every identity photo. One CLI process per photo and command would add minutes
    /// (each process loads the four networks), so this runs what the commands print in-process with the fixture's
    /// models; the single-photo tests above and below cover the processes themselves.
    /// </summary>
    [Fact]
    public void Detect_and_expression_work_on_every_identity_photo()
    {
        var root = SharedData.Require("data", "identities");
        using var models = FaceModels.Open(fixture.FaceModels);
        var analyzer = new FaceAnalyzer(models);
        foreach (var photo in Directory.EnumerateFiles(root, "*.jpg", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            using var image = ImageDecoding.LoadRgb(photo);
            using var detections = JsonDocument.Parse(JsonSerializer.Serialize(FacesCommands.Detect(analyzer, image, photo)));
            Assert.True(detections.RootElement.GetArrayLength() >= 1, $"{photo}: no face");
            AssertDetections(detections.RootElement, photo);
            AssertExpressions(JsonSerializer.Serialize(FacesCommands.Expression(analyzer, image, photo)), photo);
        }
    }

    [Fact]
    public void Embed_works_on_every_identity_photo()
    {
        var root = SharedData.Require("data", "identities");
        foreach (var photo in Directory.EnumerateFiles(root, "*.jpg", SearchOption.AllDirectories).Order())
        {
            var result = fixture.Run("faces", "embed", photo);
            Assert.True(result.ExitCode == 0, $"{photo}: {result}");
            using var json = JsonDocument.Parse(result.Stdout);
            Assert.Equal(128, json.RootElement.GetProperty("embedding").GetArrayLength());
            Assert.True(json.RootElement.GetProperty("faces_found").GetInt32() >= 1);
        }
    }

    [Fact]
    public void Compare_scores_the_same_person_above_two_different_people()
    {
        var clooney1 = SharedData.Require("data", "identities", "george_clooney", "1.jpg");
        var clooney2 = SharedData.Require("data", "identities", "george_clooney", "2.jpg");
        var damon = SharedData.Require("data", "identities", "matt_damon", "1.jpg");
        var same = Similarity(fixture.Run("faces", "compare", clooney1, clooney2));
        var different = Similarity(fixture.Run("faces", "compare", clooney1, damon));
        Assert.True(same.Similarity > different.Similarity, $"same {same}, different {different}");
        Assert.True(same.Distance < different.Distance, $"same {same}, different {different}");
    }

    [Fact]
    public void Expression_gives_seven_probabilities_that_sum_to_one()
    {
        var result = fixture.Run("faces", "expression", SharedData.Require("data", "identities", "katy_perry", "1.jpg"));
        Assert.True(result.ExitCode == 0, result.ToString());
        AssertExpressions(result.Stdout, "katy_perry/1.jpg");
    }

    [Fact]
    public void A_photo_without_a_face_and_a_non_image_are_clear_errors()
    {
        var none = fixture.Run("faces", "embed", fixture.FacelessPhoto);
        Assert.Equal(2, none.ExitCode);
        Assert.Contains($"error: no face found in '{fixture.FacelessPhoto}'", none.Stderr);

        var text = fixture.NewPath("notes.jpg");
        File.WriteAllText(text, "not a photo");
        var bad = fixture.Run("faces", "detect", text);
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("is not an image in a supported format", bad.Stderr);
    }

    /// <summary>Every face scores at least 0.5 and has 68 landmarks centred inside its box.</summary>
    private static void AssertDetections(JsonElement faces, string photo)
    {
        foreach (var face in faces.EnumerateArray())
        {
            var box = face.GetProperty("box").EnumerateArray().Select(v => v.GetSingle()).ToArray();
            Assert.InRange(face.GetProperty("score").GetSingle(), 0.5f, 1f);
            var landmarks = face.GetProperty("landmarks").EnumerateArray().ToList();
            Assert.True(landmarks.Count == 68, $"{photo}: {landmarks.Count} landmarks");
            var (cx, cy) = (landmarks.Average(p => p[0].GetSingle()), landmarks.Average(p => p[1].GetSingle()));
            Assert.True(cx >= box[0] && cx <= box[0] + box[2] && cy >= box[1] && cy <= box[1] + box[3],
                $"{photo}: landmarks centred at ({cx}, {cy}), outside the box [{string.Join(", ", box)}]");
        }
    }

    private static void AssertExpressions(string json, string photo)
    {
        var probabilities = JsonSerializer.Deserialize<Dictionary<string, float>>(json)!;
        Assert.Equal(["neutral", "happy", "sad", "angry", "fearful", "disgusted", "surprised"], probabilities.Keys);
        Assert.True(MathF.Abs(probabilities.Values.Sum() - 1f) < 1e-3f, $"{photo}: probabilities sum to {probabilities.Values.Sum()}");
    }

    private static (float Similarity, float Distance) Similarity(CliResult result)
    {
        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.Stdout);
        return (json.RootElement.GetProperty("similarity").GetSingle(), json.RootElement.GetProperty("distance").GetSingle());
    }
}
