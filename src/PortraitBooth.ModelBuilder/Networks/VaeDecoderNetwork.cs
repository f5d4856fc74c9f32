using PortraitBooth.ModelBuilder.Onnx;

namespace PortraitBooth.ModelBuilder.Networks;

/// <summary>
/// VAE decoder: latent_sample [B,4,h,w] → sample [B,3,8h,8w] in [−1,1].
/// conv_in, a ResNet block, three nearest ×2 upsample + conv stages, GN → SiLU → conv_out, Tanh.
/// </summary>
internal static class VaeDecoderNetwork
{
    public static void Build(Layers layers, PackConfig pack)
    {
        var config = pack.Vae;
        var channels = config.DecoderChannels;
        var graph = layers.Graph;
        var latent = graph.FloatInput("latent_sample", "B", PackConfig.LatentChannels, "h", "w");

        var x = layers.Conv2d(latent, "conv_in", PackConfig.LatentChannels, channels[0], 3);
        x = layers.ResNetBlock(x, "mid.res", channels[0], channels[0], config.NormGroups);
        for (var stage = 1; stage < channels.Count; stage++)
            x = layers.Upsample(x, $"up.{stage}", channels[stage - 1], channels[stage]);
        var rgb = layers.NormActConv(x, "out", channels[^1], 3, config.NormGroups);
        graph.FloatOutput(graph.Tanh(rgb), "sample", "B", 3, "H", "W");
    }
}
