using System.Text.Json.Nodes;
using PortraitBooth.Inference.Packs;
using PortraitBooth.Inference.Sampling;
using PortraitBooth.Testing;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace PortraitBooth.Inference.Tests.Sampling;

/// <summary>
/// vae.pixel_range reaches both VAE directions: the same tiny graphs declared [0, 1] instead of [−1, 1] decode the
/// same latent to other pixels, and the bootstrap background's colours go into the encoder in that range.
/// </summary>
public sealed class PixelRangeTests : IClassFixture<PipelineFixture>, IDisposable
{
    private readonly PipelineFixture _fixture;
    private readonly ModelPack _unitRange;
    private readonly PortraitPipeline _unitPipeline;

    public PixelRangeTests(PipelineFixture fixture, GeneratedPacks packs)
    {
        _fixture = fixture;
        _unitRange = ModelPack.Open(packs.CopyWithManifest(packs.Tiny, json => json["vae"] = new JsonObject { ["pixel_range"] = new JsonArray(0.0, 1.0) }));
        _unitPipeline = new PortraitPipeline(_unitRange, PackTokenizer.Create(_unitRange));
    }

    [Fact]
    public void The_decoder_output_is_read_in_the_packs_pixel_range()
    {
        var request = _fixture.Request("a portrait photo of a man", _fixture.SyntheticFace(1));
        using var symmetric = _fixture.Pipeline.Generate(request);
        using var unit = _unitPipeline.Generate(request);

        // Single-subject sampling never runs the encoder: the latents are the same, only the decoding differs.
        Assert.Equal(symmetric.Latent, unit.Latent);
        // A decoder value v is round(127.5 (v + 1)) in [−1, 1] and round(255 v) in [0, 1]: the second is 2a − 255 (±1).
        var (a, b) = (Pixels(symmetric.Image), Pixels(unit.Image));
        var worst = a.Zip(b, (x, y) => Math.Abs(y - Math.Clamp(2 * x - 255, 0, 255))).Max();
        Assert.True(worst <= 1, $"a [0,1] pixel is {worst} away from 2·([−1,1] pixel) − 255");
        Assert.NotEqual(a, b);
    }

    [Fact]
    public void The_bootstrap_colours_enter_the_encoder_in_the_packs_pixel_range()
    {
        var request = _fixture.Request("a photo of a man and a woman at the beach", _fixture.SyntheticFace(1), _fixture.SyntheticFace(2));
        using var symmetric = _fixture.Pipeline.Generate(request);
        using var unit = _unitPipeline.Generate(request);
        using var unitWithoutBootstrap = _unitPipeline.Generate(request with { BootstrapFraction = 0 });
        using var symmetricWithoutBootstrap = _fixture.Pipeline.Generate(request with { BootstrapFraction = 0 });

        // The encoder only runs for the bootstrap background: without it the range changes nothing before decoding.
        Assert.Equal(symmetricWithoutBootstrap.Latent, unitWithoutBootstrap.Latent);
        Assert.NotEqual(symmetric.Latent, unit.Latent);
    }

    private static int[] Pixels(Image<Rgb24> image)
    {
        var values = new List<int>();
        image.ProcessPixelRows(rows =>
        {
            for (var y = 0; y < rows.Height; y++)
                foreach (var p in rows.GetRowSpan(y)) values.AddRange([p.R, p.G, p.B]);
        });
        return [.. values];
    }

    public void Dispose() => _unitRange.Dispose();
}
