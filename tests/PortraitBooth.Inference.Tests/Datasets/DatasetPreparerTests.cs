using PortraitBooth.Inference.Datasets;
using PortraitBooth.Inference.Faces;
using PortraitBooth.ModelBuilder.Packs;
using PortraitBooth.Testing;
using SixLabors.ImageSharp;

namespace PortraitBooth.Inference.Tests.Datasets;

public sealed class DatasetPreparerTests(ConvertedFaceModels converted) : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("portraitbooth-prepare-");

    /// <summary>
    /// A person labelled with two photos of one woman and one of another: the stranger's photo is dropped by the
    /// per-person identity check; the two photos that agree stay, and the other person's single photo is kept.
    /// </summary>
    [Fact]
    public void A_photo_unlike_the_persons_others_is_dropped_and_the_rest_stay()
    {
        using var models = FaceModels.Open(converted.Directory);
        var portraits = DemoFacePhotos.Cut(models, 4);
        var analyzer = new FaceAnalyzer(models);
        var descriptors = portraits.Select(p => analyzer.Largest(p, "portrait", withExpressions: false).Face.Descriptor).ToList();
        var (same, stranger) = (from i in Enumerable.Range(0, 4) from j in Enumerable.Range(0, 4) where i != j
                                select (i, j)).MaxBy(p => IdentityMetrics.Distance(descriptors[p.i], descriptors[p.j]));
        var apart = IdentityMetrics.Distance(descriptors[same], descriptors[stranger]);
        Assert.True(apart > DatasetThresholds.Default.MaxIdentityDistance, $"the two most different demo faces are only {apart} apart");

        var photos = Directory.CreateDirectory(Path.Combine(_folder.FullName, "in", "photos")).FullName;
        portraits[same].SaveAsPng(Path.Combine(photos, "a1.png"));
        portraits[same].SaveAsJpeg(Path.Combine(photos, "a2.jpg"));
        portraits[stranger].SaveAsJpeg(Path.Combine(photos, "a3.jpg"));
        portraits[stranger].SaveAsPng(Path.Combine(photos, "b1.png"));
        foreach (var portrait in portraits) portrait.Dispose();
        File.WriteAllLines(Path.Combine(_folder.FullName, "in", "identities.tsv"), ["file\tidentity", "a1.png\ta", "a2.jpg\ta", "a3.jpg\ta", "b1.png\tb"]);

        var log = new List<string>();
        var manifest = new DatasetPreparer(models, ProjectTokenizer.Vocabulary(), log.Add).Prepare(
            new DatasetRequest(Path.Combine(_folder.FullName, "in"), Path.Combine(_folder.FullName, "out"), TestPeople: 1, ValidationPeople: 0, Threads: 1));

        var dropped = Assert.Single(manifest.Dropped);
        Assert.Equal(("a3.jpg", DropReasons.UnlikePerson), (dropped.Photo, dropped.Reason));
        Assert.Equal(["a1.png", "a2.jpg", "b1.png"], manifest.Samples.Select(s => s.Photo));
        Assert.Equal(1, manifest.Counts.DroppedByReason[DropReasons.UnlikePerson]);
        Assert.Equal("test", manifest.Samples.Single(s => s.Photo == "a1.png").Split); // the only person with two photos
        Assert.Equal(["person\tgender\tfile\tsource_path\tbytes\tsha256", "a", "a"],
            File.ReadAllLines(Path.Combine(_folder.FullName, "out", "eval-test", "manifest.tsv")).Select((l, i) => i == 0 ? l : l.Split('\t')[0]));
    }

    public void Dispose() => _folder.Delete(recursive: true);
}
