using PortraitBooth.Inference.Faces;
using PortraitBooth.Inference.Images;
using PortraitBooth.Inference.Packs;
using PortraitBooth.Testing;

namespace PortraitBooth.ModelBuilder.Tests.FaceApi;

public sealed class AlignedFaceInputTests(ConvertedFaceModels converted, GeneratedPacks packs)
{
    [Fact]
    public void A_group_photo_embeds_its_largest_face_and_reports_that_face_and_the_count()
    {
        using var models = FaceModels.Open(converted.Directory);
        using var pack = ModelPack.Open(packs.Tiny.Folder);
        using var photo = ImageDecoding.LoadRgb(FaceApiReference.SamplePhoto(5));
        var detected = models.Detector.Detect(photo);
        var largest = detected.MaxBy(f => f.Box.Width * f.Box.Height)!;

        var embedding = new FaceEmbedder(pack, new AlignedFaceInput(new FaceAnalyzer(models))).Embed(photo, "sample5.jpg");

        Assert.True(detected.Count >= 2, $"{detected.Count} faces");
        Assert.Equal(detected.Count, embedding.FacesFound);
        Assert.Equal(largest.Box, embedding.FaceBox);
        Assert.Equal(pack.Manifest.Stea.FaceWidth, embedding.Values.Length);
    }
}
