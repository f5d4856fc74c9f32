using System.Text.Json;
using PortraitBooth.Inference.Datasets;
using PortraitBooth.Inference.Faces;
using PortraitBooth.Testing;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace PortraitBooth.Cli.Tests;

/// <summary><c>portraitbooth dataset prepare</c> as a user runs it: a real process on a folder of good and bad photos.</summary>
public sealed class DatasetCommandTests : IClassFixture<CliFixture>
{
    private readonly CliFixture fixture;

    public DatasetCommandTests(CliFixture fixture)
    {
        this.fixture = fixture;
        fixture.UseFaceModels();
    }

    /// <summary>
    /// Three real portraits (cut from face-api's demo photos), one of them a PNG named .jpg, beside a corrupt JPEG,
    /// a 0-byte file, a photo without a face, a 1×1 image, a file identities.tsv does not list and a listed file
    /// that is not there: every bad one is reported with its reason, the rest become samples, exit 0.
    /// </summary>
    [Fact]
    public void Prepare_reports_each_bad_photo_with_its_reason_and_processes_the_rest()
    {
        var source = fixture.NewPath("photos-in");
        var photos = Path.Combine(source, "photos");
        Directory.CreateDirectory(photos);
        using (var models = FaceModels.Open(fixture.FaceModels))
        {
            var portraits = DemoFacePhotos.Cut(models, 3);
            portraits[0].SaveAsJpeg(Path.Combine(photos, "face1.jpg"));
            portraits[1].SaveAsJpeg(Path.Combine(photos, "face2.jpg"));
            portraits[2].SaveAsPng(Path.Combine(photos, "png-named.jpg"));
            foreach (var portrait in portraits) portrait.Dispose();
        }
        var jpeg = File.ReadAllBytes(Path.Combine(photos, "face1.jpg"));
        File.WriteAllBytes(Path.Combine(photos, "corrupt.jpg"), [.. jpeg.Take(2), .. Enumerable.Repeat((byte)0x5A, 4000)]);
        File.WriteAllBytes(Path.Combine(photos, "empty.jpg"), []);
        File.Copy(fixture.FacelessPhoto, Path.Combine(photos, "noface.png"));
        using (var dot = new Image<Rgb24>(1, 1, new Rgb24(200, 150, 100))) dot.SaveAsJpeg(Path.Combine(photos, "tiny.jpg"));
        File.WriteAllBytes(Path.Combine(photos, "unlisted.jpg"), jpeg);
        File.WriteAllLines(Path.Combine(source, "identities.tsv"),
        [
            "file\tidentity",
            "face1.jpg\t1", "png-named.jpg\t1", "face2.jpg\t2",
            "corrupt.jpg\t3", "empty.jpg\t4", "noface.png\t5", "tiny.jpg\t6", "gone.jpg\t7",
        ]);
        var output = fixture.NewPath("dataset");

        var result = fixture.Run("dataset", "prepare", "--photos", source, "--out", output, "--test-people", "1", "--validation-people", "0");

        Assert.True(result.ExitCode == 0, result.ToString());
        var expected = new Dictionary<string, string>
        {
            ["corrupt.jpg"] = DropReasons.Unreadable,
            ["empty.jpg"] = DropReasons.Empty,
            ["gone.jpg"] = DropReasons.MissingFile,
            ["noface.png"] = DropReasons.NoFace,
            ["tiny.jpg"] = DropReasons.ImageTooSmall,
            ["unlisted.jpg"] = DropReasons.NoIdentity,
        };
        var dropped = File.ReadAllLines(Path.Combine(output, "dropped.tsv")).Select(l => l.Split('\t')).ToDictionary(f => f[0], f => f[1]);
        Assert.Equal(expected.OrderBy(p => p.Key), dropped.OrderBy(p => p.Key));
        foreach (var reason in expected.Values) Assert.Contains($"dropped, {reason}: 1", result.Stdout);
        Assert.Contains("photos: 9, kept 3, dropped 6", result.Stdout);
        Assert.Contains("people: 1 train, 0 validation, 1 test", result.Stdout);

        var manifest = DatasetManifest.Read(Path.Combine(output, DatasetManifest.FileName));
        Assert.Equal(["face1.jpg", "face2.jpg", "png-named.jpg"], manifest.Samples.Select(s => s.Photo));
        Assert.Equal(6, manifest.Counts.Dropped);
        foreach (var sample in manifest.Samples)
        {
            using var crop = Image.Load<Rgb24>(Path.Combine(output, sample.Crop));
            using var mask = Image.Load<L8>(Path.Combine(output, sample.Mask));
            Assert.Equal((128, 128, 128, 128), (crop.Width, crop.Height, mask.Width, mask.Height));
            Assert.Equal(128, sample.Embedding.Length);
            Assert.NotEmpty(sample.Captions);
        }
        // Person 1 (two photos) is the one test person; their originals are copied for evaluation, person 2 trains.
        Assert.All(manifest.Samples, s => Assert.Equal(s.Person == "1" ? "test" : "train", s.Split));
        var evalRows = File.ReadAllLines(Path.Combine(output, "eval-test", "manifest.tsv"));
        Assert.Equal("person\tgender\tfile\tsource_path\tbytes\tsha256", evalRows[0]);
        Assert.Equal(2, evalRows.Length - 1);
        Assert.All(evalRows.Skip(1), row => Assert.True(File.Exists(Path.Combine(output, "eval-test", row.Split('\t')[2])), row));
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, DatasetManifest.FileName)));
        Assert.Equal("not a readable image", json.RootElement.GetProperty("dropped").EnumerateArray()
            .Single(d => d.GetProperty("photo").GetString() == "corrupt.jpg").GetProperty("reason").GetString());
    }

    /// <summary>
    /// A second run analyses nothing again; after a crop is lost and the manifest is gone (an interrupted run), only
    /// that photo is analysed again, from the analysis cache, and the manifest comes out the same.
    /// </summary>
    [Fact]
    public void A_rerun_skips_finished_photos_and_an_interrupted_one_resumes()
    {
        var source = fixture.NewPath("photos-in");
        Directory.CreateDirectory(Path.Combine(source, "photos"));
        using (var models = FaceModels.Open(fixture.FaceModels))
        {
            var portraits = DemoFacePhotos.Cut(models, 3);
            for (var i = 0; i < portraits.Count; i++) portraits[i].SaveAsJpeg(Path.Combine(source, "photos", $"p{i}.jpg"));
            foreach (var portrait in portraits) portrait.Dispose();
        }
        File.WriteAllLines(Path.Combine(source, "identities.tsv"), ["file\tidentity", "p0.jpg\ta", "p1.jpg\ta", "p2.jpg\tb"]);
        var output = fixture.NewPath("dataset");
        string[] args = ["dataset", "prepare", "--photos", source, "--out", output, "--test-people", "1", "--validation-people", "0", "--threads", "1"];

        var first = fixture.Run(args);
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("0 done before, analysing 3", first.Stdout);
        var manifest = File.ReadAllText(Path.Combine(output, DatasetManifest.FileName));

        var second = fixture.Run(args);
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("3 done before, analysing 0", second.Stdout);

        File.Delete(Path.Combine(output, DatasetManifest.FileName));
        File.Delete(Path.Combine(output, "crops", "p1.png"));
        var third = fixture.Run(args);
        Assert.True(third.ExitCode == 0, third.ToString());
        Assert.Contains("2 done before, analysing 1", third.Stdout);
        Assert.Equal(manifest, File.ReadAllText(Path.Combine(output, DatasetManifest.FileName)));
    }

    [Fact]
    public void A_folder_without_identities_is_a_usage_error()
    {
        var source = fixture.NewPath("no-identities");
        Directory.CreateDirectory(Path.Combine(source, "photos"));
        fixture.Run("dataset", "prepare", "--photos", source, "--out", fixture.NewPath("out")).AssertUsageError("has no identities.tsv");
    }
}
