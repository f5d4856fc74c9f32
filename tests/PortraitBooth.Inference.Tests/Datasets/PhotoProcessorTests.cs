using PortraitBooth.Inference.Datasets;
using PortraitBooth.Inference.Faces;
using PortraitBooth.Inference.Packs;
using PortraitBooth.Testing;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace PortraitBooth.Inference.Tests.Datasets;

public sealed class PhotoProcessorTests(ConvertedFaceModels converted) : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("portraitbooth-photos-");
    private readonly Lazy<FaceModels> _models = new(() => FaceModels.Open(converted.Directory));

    private PhotoOutcome Process(Image<Rgb24> photo, string name)
    {
        var path = Path.Combine(_folder.FullName, name);
        photo.SaveAsPng(path);
        var processor = new PhotoProcessor(_models.Value, DatasetThresholds.Default, AlignmentTemplate.Portrait128, 128);
        return processor.Process(path, name, Path.GetFileNameWithoutExtension(name), Path.Combine(_folder.FullName, "out"));
    }

    /// <summary>
    /// The runtime embeds a reference photo with AlignedFaceInput (largest face, 68 landmarks, dlib-150) and the
    /// pack's face encoder; for the recognizer that is a 150×150 raw-pixel input (mean 0, std 1/255).
    /// </summary>
    [Fact]
    public void A_kept_photo_carries_the_embedding_the_runtime_computes_for_it_as_a_reference_photo()
    {
        var models = _models.Value;
        var preprocessing = new FacePreprocessing(150, 150, AlignmentTemplate.Dlib150.Name, [0f, 0f, 0f], [1 / 255f, 1 / 255f, 1 / 255f], "rgb");
        var portraits = DemoFacePhotos.Cut(models, 3);
        try
        {
            var worst = 0f;
            foreach (var (portrait, i) in portraits.Select((p, i) => (p, i)))
            {
                var analysis = Process(portrait, $"portrait{i}.png").Analysis;
                Assert.NotNull(analysis);
                var runtime = models.Recognizer.Describe(new AlignedFaceInput(new FaceAnalyzer(models)).Prepare(portrait, "reference", preprocessing).Tensor, 1)[0];
                Assert.Equal(runtime.Length, analysis.Embedding.Length);
                worst = Math.Max(worst, runtime.Zip(analysis.Embedding, (a, b) => MathF.Abs(a - b)).Max());
                Assert.Equal(new FaceAnalyzer(models).Largest(portrait, "reference").Face.Descriptor, analysis.Embedding);
            }
            TestContext.Current.TestOutputHelper?.WriteLine($"max |Δ| between the dataset's and the runtime's embedding: {worst:E2}");
            Assert.True(worst <= 1e-5f, $"the dataset's embedding differs from the runtime's by up to {worst}");
        }
        finally
        {
            foreach (var p in portraits) p.Dispose();
        }
    }

    [Fact]
    public void A_kept_photo_writes_a_128_pixel_rgb_crop_and_a_grey_mask_and_its_measures()
    {
        using var portrait = DemoFacePhotos.Cut(_models.Value, 1)[0];
        var analysis = Process(portrait, "kept.png").Analysis!;

        using var crop = Image.Load<Rgb24>(PhotoProcessor.CropPath(Path.Combine(_folder.FullName, "out"), "kept"));
        using var mask = Image.Load<L8>(PhotoProcessor.MaskPath(Path.Combine(_folder.FullName, "out"), "kept"));
        Assert.Equal((128, 128), (crop.Width, crop.Height));
        Assert.Equal((128, 128), (mask.Width, mask.Height));
        var values = new HashSet<byte>();
        mask.ProcessPixelRows(rows => { for (var y = 0; y < rows.Height; y++) foreach (var p in rows.GetRowSpan(y)) values.Add(p.PackedValue); });
        Assert.Equal(new byte[] { 0, 255 }, values.Order());
        Assert.Equal(68, analysis.Landmarks.Length);
        Assert.All(analysis.Landmarks, p => Assert.True(p[0] is > 0 and < 128 && p[1] is > 0 and < 128, $"({p[0]}, {p[1]}) outside the crop"));
        Assert.Equal(1, analysis.FacesFound);
        Assert.True(analysis.EyeToMouth >= DatasetThresholds.Default.MinEyeToMouth);
        Assert.Equal(7, analysis.Expressions.Count);
        Assert.InRange(analysis.Age, 5f, 90f);
    }

    [Fact]
    public void Two_faces_of_the_same_size_make_the_subject_ambiguous()
    {
        using var portrait = DemoFacePhotos.Cut(_models.Value, 1)[0];
        using var twice = new Image<Rgb24>(2 * portrait.Width, portrait.Height);
        twice.Mutate(c => c.DrawImage(portrait, new Point(0, 0), 1f).DrawImage(portrait, new Point(portrait.Width, 0), 1f));

        var dropped = Process(twice, "twice.png").Dropped;

        Assert.Equal(DropReasons.Ambiguous, dropped?.Reason);
    }

    [Fact]
    public void A_face_cut_tight_at_its_box_leaves_too_much_of_the_crop_outside_the_photo()
    {
        using var portrait = DemoFacePhotos.Cut(_models.Value, 1)[0];
        var box = _models.Value.Detector.Detect(portrait).Single().Box;
        using var tight = portrait.Clone(c => c.Crop(Rectangle.Intersect(Rectangle.Round(box), new Rectangle(0, 0, portrait.Width, portrait.Height))));

        var dropped = Process(tight, "tight.png").Dropped;

        Assert.Equal(DropReasons.OutsidePhoto, dropped?.Reason);
        Assert.Contains("of the crop outside the photo", dropped!.Detail);
    }

    [Fact]
    public void A_face_shrunk_below_twenty_pixels_from_eyes_to_mouth_is_too_small()
    {
        using var portrait = DemoFacePhotos.Cut(_models.Value, 1)[0];
        var face = new FaceAnalyzer(_models.Value).Largest(portrait, "portrait", withExpressions: false).Face;
        var scale = 18f / PhotoProcessor.EyeToMouth(face.Landmarks);
        using var small = portrait.Clone(c => c.Resize((int)(portrait.Width * scale), (int)(portrait.Height * scale)));

        var dropped = Process(small, "small.png").Dropped;

        Assert.True(dropped?.Reason == DropReasons.FaceTooSmall, $"{small.Width}x{small.Height}: {dropped}");
    }

    public void Dispose()
    {
        if (_models.IsValueCreated) _models.Value.Dispose();
        _folder.Delete(recursive: true);
    }
}
