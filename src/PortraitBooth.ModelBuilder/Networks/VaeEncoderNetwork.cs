using PortraitBooth.ModelBuilder.Onnx;

namespace PortraitBooth.ModelBuilder.Networks;

/// <summary>
/// VAE encoder: sample [B,3,H,W] → latent_sample [B,4,H/8,W/8], the latent mean (no sampling).
/// conv_in, three stride-2 convs each followed by a ResNet block, GN → SiLU → conv_out.
/// </summary>
internal static class VaeEncoderNetwork
{
    public static void Build(Layers layers, PackConfig pack)
    {
        var config = pack.Vae;
        var channels = config.EncoderChannels;
        var graph = layers.Graph;
        var image = graph.FloatInput("sample", "B", 3, "H", "W");

        var x = layers.Conv2d(image, "conv_in", 3, channels[0], 3);
        for (var stage = 1; stage < channels.Count; stage++)
        {
            x = layers.Downsample(x, $"down.{stage}", channels[stage - 1], channels[stage]);
            x = layers.ResNetBlock(x, $"down.{stage}.res", channels[stage], channels[stage], config.NormGroups);
        }
        var mean = layers.NormActConv(x, "out", channels[^1], PackConfig.LatentChannels, config.NormGroups);
        graph.FloatOutput(mean, "latent_sample", "B", PackConfig.LatentChannels, "h", "w");
    }
}
