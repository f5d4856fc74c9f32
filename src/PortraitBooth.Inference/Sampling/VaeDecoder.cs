using PortraitBooth.Inference.Images;
using PortraitBooth.Inference.Onnx;
using PortraitBooth.Inference.Packs;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace PortraitBooth.Inference.Sampling;

/// <summary>Latent → pixels: undo the VAE scaling factor, run the decoder, map the pack's pixel range to RGB.</summary>
internal sealed class VaeDecoder(ModelPack pack)
{
    public Image<Rgb24> Decode(ReadOnlySpan<float> latent, int latentHeight, int latentWidth, OnnxTimer? timer)
    {
        var manifest = pack.Manifest;
        var spec = pack.Spec(PackModels.VaeDecoder);
        var (input, output) = (spec.Inputs["latent_sample"], spec.Outputs["sample"]);
        var (height, width) = (latentHeight * manifest.Latent.VaeScale, latentWidth * manifest.Latent.VaeScale);
        using var latentBuffer = OrtBuffer.Allocate(input, 1, manifest.Latent.Channels, latentHeight, latentWidth);
        using var pixels = OrtBuffer.Allocate(output, 1, 3, height, width);
        var inverse = (float)(1.0 / manifest.Latent.ScalingFactor);
        var destination = latentBuffer.Floats;
        for (var i = 0; i < latent.Length; i++) destination[i] = latent[i] * inverse;
        OnnxRun.Run(pack.Session(PackModels.VaeDecoder), [(input.Name, latentBuffer)], [(output.Name, pixels)], timer);
        return ImageEncoding.FromPlanar(pixels.Floats, width, height, manifest.PixelRange);
    }
}
