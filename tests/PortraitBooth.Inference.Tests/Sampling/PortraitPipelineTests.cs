using PortraitBooth.Inference.Images;
using PortraitBooth.Inference.Sampling;
using PortraitBooth.Testing;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;

namespace PortraitBooth.Inference.Tests.Sampling;

public sealed class PortraitPipelineTests(PipelineFixture fixture) : IClassFixture<PipelineFixture>
{
    private const string Prompt = "a portrait photo of a man wearing a red hat";

    [Fact]
    public void The_same_seed_gives_a_byte_identical_png()
    {
        var face = fixture.SyntheticFace(1);
        var first = Png(fixture.Pipeline.Generate(fixture.Request(Prompt, face)));
        var second = Png(fixture.Pipeline.Generate(fixture.Request(Prompt, face)));
        Assert.Equal(first, second);
    }

    [Fact]
    public void A_different_seed_gives_a_different_image()
    {
        var face = fixture.SyntheticFace(1);
        var first = Png(fixture.Pipeline.Generate(fixture.Request(Prompt, face)));
        var other = Png(fixture.Pipeline.Generate(fixture.Request(Prompt, face) with { Seed = 8 }));
        Assert.NotEqual(first, other);
    }

    [Fact]
    public void A_different_real_face_gives_a_different_image()
    {
        using var clooney = ImageDecoding.LoadRgb(SharedData.Require("data", "identities", "george_clooney", "1.jpg"));
        using var damon = ImageDecoding.LoadRgb(SharedData.Require("data", "identities", "matt_damon", "1.jpg"));
        var first = Png(fixture.Pipeline.Generate(fixture.Request(Prompt, fixture.Embedder.Embed(clooney).Values)));
        var second = Png(fixture.Pipeline.Generate(fixture.Request(Prompt, fixture.Embedder.Embed(damon).Values)));
        Assert.NotEqual(first, second);
    }

    [Fact]
    public void Batch_2_guidance_equals_two_batch_1_calls()
    {
        var request = fixture.Request(Prompt, fixture.SyntheticFace(2));
        using var batched = fixture.Pipeline.Generate(request);
        using var sequential = fixture.Pipeline.Generate(request with { Cfg = CfgMode.Sequential });
        Assert.Equal(request.Steps * 2, sequential.OnnxCalls - batched.OnnxCalls + request.Steps);
        TestContext.Current.TestOutputHelper?.WriteLine($"max |batched − sequential| latent = {Differences.MaxAbs(batched.Latent, sequential.Latent):E2}");
        Assert.True(Differences.MaxAbs(batched.Latent, sequential.Latent) <= 1e-4,
            $"max |batched − sequential| = {Differences.MaxAbs(batched.Latent, sequential.Latent)}");
    }

    [Fact]
    public void The_float16_edged_pack_gives_the_float32_result_within_1e_2()
    {
        var face = fixture.SyntheticFace(3);
        var request = fixture.Request(Prompt, face);
        using var full = fixture.Pipeline.Generate(request);
        using var half = fixture.Float16Pipeline.Generate(request);

        // The image, in the VAE's [-1,1] units (one 8-bit level is 1/127.5).
        var imageDifference = MaxPixelDifference(full.Image, half.Image) / 127.5;
        // The latent passes float16 edges 2 × steps times; float16 resolves 3 significant digits, so compare relatively.
        var latentScale = full.Latent.Max(MathF.Abs);
        var latentDifference = Differences.MaxAbs(full.Latent, half.Latent) / latentScale;
        TestContext.Current.TestOutputHelper?.WriteLine($"fp32 vs fp16: image max diff {imageDifference:E2}, latent max diff / max |latent| {latentDifference:E2}");
        Assert.True(imageDifference <= 1e-2, $"image differs by {imageDifference}");
        Assert.True(latentDifference <= 1e-2, $"latent differs by {latentDifference} of its scale");
    }

    private static int MaxPixelDifference(Image<SixLabors.ImageSharp.PixelFormats.Rgb24> a, Image<SixLabors.ImageSharp.PixelFormats.Rgb24> b)
    {
        var max = 0;
        for (var y = 0; y < a.Height; y++)
            for (var x = 0; x < a.Width; x++)
            {
                var (p, q) = (a[x, y], b[x, y]);
                max = Math.Max(max, Math.Max(Math.Abs(p.R - q.R), Math.Max(Math.Abs(p.G - q.G), Math.Abs(p.B - q.B))));
            }
        return max;
    }

    [Fact]
    public void Progress_is_reported_once_per_step_and_cancellation_stops_between_steps()
    {
        var request = fixture.Request(Prompt, fixture.SyntheticFace(1));
        var reported = new List<int>();
        using var cancellation = new CancellationTokenSource();
        var progress = new InlineProgress(p =>
        {
            reported.Add(p.Step);
            if (p.Step == 3) cancellation.Cancel();
        });
        Assert.Throws<OperationCanceledException>(() => fixture.Pipeline.Generate(request, progress, cancellation.Token));
        Assert.Equal([1, 2, 3], reported);
    }

    [Fact]
    public void Without_an_identity_the_pipeline_is_plain_text_to_image()
    {
        using var result = fixture.Pipeline.Generate(fixture.Request("a watercolour of a lighthouse"));
        Assert.Equal(fixture.Pack.Manifest.Size.DefaultWidth, result.Image.Width);
        Assert.Empty(result.Conditioning.Prompt.IdentityTokens);
    }

    [Theory]
    [InlineData(0, 5f, 128, 128, "steps must be between 1 and 150")]
    [InlineData(151, 5f, 128, 128, "steps must be between 1 and 150")]
    [InlineData(10, -0.5f, 128, 128, "guidance must be between 0 and 30")]
    [InlineData(10, 30.5f, 128, 128, "guidance must be between 0 and 30")]
    [InlineData(10, 5f, 100, 128, "width must be a multiple of")]
    [InlineData(10, 5f, 128, 4096, "height must be between")]
    public void Out_of_range_requests_are_refused_before_sampling(int steps, float guidance, int width, int height, string message)
    {
        var request = fixture.Request(Prompt, fixture.SyntheticFace(1)) with { Steps = steps, Guidance = guidance, Width = width, Height = height };
        var error = Assert.Throws<InvalidRequestException>(() => fixture.Pipeline.Generate(request));
        Assert.Contains(message, error.Message);
    }

    private static byte[] Png(GenerationResult result)
    {
        using (result)
        {
            using var stream = new MemoryStream();
            result.Image.Save(stream, new PngEncoder());
            return stream.ToArray();
        }
    }
}
