using PortraitBooth.Inference.Onnx;
using PortraitBooth.Inference.Packs;
using PortraitBooth.Inference.Randomness;

namespace PortraitBooth.Inference.Sampling;

/// <summary>
/// MultiDiffusion's bootstrapping: outside its mask a subject region sees a constant-colour image (one random
/// colour per subject in the pack's pixel range, encoded once by the pack's VAE encoder) noised afresh to the step's
/// σ, so that the subject is drawn inside its box. Colours and noise come from the request's seed, so results stay reproducible.
/// </summary>
internal sealed class BootstrapBackground
{
    // A second Philox stream beside the initial noise's (key = seed): the seed XOR the 64-bit golden ratio.
    private const ulong StreamKey = 0x9E3779B97F4A7C15;

    private readonly float[][] _latents;
    private readonly PhiloxRandom _random;
    private readonly float[] _noise;

    private BootstrapBackground(float[][] latents, PhiloxRandom random)
    {
        _latents = latents;
        _random = random;
        _noise = new float[latents[0].Length];
    }

    /// <summary>
    /// Encodes each colour once at the pack's smallest image size and spreads the centre latent pixel over the
    /// canvas: a constant image has a constant latent away from the encoder's zero-padded border, and the small
    /// size keeps the encoder's cost a fraction of one U-Net row at full size.
    /// </summary>
    public static BootstrapBackground Encode(ModelPack pack, int subjects, ulong seed, int latentHeight, int latentWidth, OnnxTimer timer)
    {
        var manifest = pack.Manifest;
        var spec = pack.Spec(PackModels.VaeEncoder);
        var (input, output) = (spec.Inputs["sample"], spec.Outputs["latent_sample"]);
        var (side, channels) = (manifest.Size.Min, manifest.Latent.Channels);
        var encodedSide = side / manifest.Latent.VaeScale;
        var centre = encodedSide / 2 * encodedSide + encodedSide / 2;
        var random = new PhiloxRandom(seed ^ StreamKey);
        using var image = OrtBuffer.Allocate(input, 1, 3, side, side);
        using var latent = OrtBuffer.Allocate(output, 1, channels, encodedSide, encodedSide);
        var pixels = latentHeight * latentWidth;
        var latents = new float[subjects][];
        for (var k = 0; k < subjects; k++)
        {
            for (var c = 0; c < 3; c++) image.Floats.Slice(c * side * side, side * side).Fill(manifest.PixelRange.FromUnit(random.NextUniform()));
            OnnxRun.Run(pack.Session(PackModels.VaeEncoder), [(input.Name, image)], [(output.Name, latent)], timer);
            latents[k] = new float[channels * pixels];
            for (var c = 0; c < channels; c++)
                latents[k].AsSpan(c * pixels, pixels).Fill(latent.Floats[c * encodedSide * encodedSide + centre] * (float)manifest.Latent.ScalingFactor);
        }
        return new BootstrapBackground(latents, random);
    }

    /// <summary>destination = m·x + (1 − m)·(z_k + σ·n), with fresh standard normals n; masks are [h·w], latents [C·h·w].</summary>
    public void Compose(ReadOnlySpan<float> latent, float[] mask, int subject, double sigma, Span<float> destination)
    {
        _random.FillNormal(_noise);
        var background = _latents[subject];
        var pixels = mask.Length;
        var s = (float)sigma;
        for (var i = 0; i < latent.Length; i++)
        {
            var m = mask[i % pixels];
            destination[i] = m * latent[i] + (1 - m) * (background[i] + s * _noise[i]);
        }
    }
}
