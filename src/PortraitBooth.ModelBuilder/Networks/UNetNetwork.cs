using PortraitBooth.ModelBuilder.Onnx;

namespace PortraitBooth.ModelBuilder.Networks;

/// <summary>
/// SD-style conditional U-Net: sample [B,4,h,w], timestep float [B], encoder_hidden_states [B,77,W] → out_sample [B,4,h,w].
/// Down path of ResNet blocks (+ spatial transformers at the configured levels) with stride-2 downsampling, a mid block,
/// and an up path that concatenates the matching skip before each block and upsamples nearest ×2.
/// </summary>
internal static class UNetNetwork
{
    /// <summary>Small gain on conv_out so untrained ε predictions are moderate (std well below 1).</summary>
    private const float OutputGain = 0.3f;

    public static void Build(Layers layers, PackConfig pack)
    {
        var config = pack.UNet;
        var graph = layers.Graph;
        const int latent = PackConfig.LatentChannels;
        var textWidth = pack.Text.Width;
        var sample = graph.FloatInput("sample", "B", latent, "h", "w");
        var timestep = graph.FloatInput("timestep", "B");
        var context = graph.FloatInput("encoder_hidden_states", "B", TextEncoderConfig.ContextLength, textWidth);

        var time = TimeEmbedding(layers, config, timestep);
        string Res(string x, string path, int inChannels, int outChannels) =>
            layers.ResNetBlock(x, path, inChannels, outChannels, config.NormGroups, time, config.TimeEmbeddingWidth);
        string Attend(string x, string path, int channels) =>
            layers.SpatialTransformer(x, path, channels, config.NormGroups, config.AttentionHeads, context, textWidth);

        var x = layers.Conv2d(sample, "conv_in", latent, config.BaseChannels, 3);
        var skips = new Stack<(string Value, int Channels)>();
        skips.Push((x, config.BaseChannels));
        var channels = config.BaseChannels;
        for (var level = 0; level < config.Levels; level++)
        {
            var levelChannels = config.ChannelsAt(level);
            for (var block = 0; block < config.ResBlocksPerLevel; block++)
            {
                x = Res(x, $"down.{level}.res.{block}", channels, levelChannels);
                channels = levelChannels;
                if (config.AttentionLevels.Contains(level)) x = Attend(x, $"down.{level}.attn.{block}", channels);
                skips.Push((x, channels));
            }
            if (level == config.Levels - 1) continue;
            x = layers.Downsample(x, $"down.{level}.downsample", channels, channels);
            skips.Push((x, channels));
        }

        x = Res(x, "mid.res.0", channels, channels);
        x = Attend(x, "mid.attn", channels);
        x = Res(x, "mid.res.1", channels, channels);

        for (var level = config.Levels - 1; level >= 0; level--)
        {
            var levelChannels = config.ChannelsAt(level);
            for (var block = 0; block <= config.ResBlocksPerLevel; block++) // one more than down: it also takes the downsample's skip
            {
                var skip = skips.Pop();
                x = Res(graph.Concat(1, x, skip.Value), $"up.{level}.res.{block}", channels + skip.Channels, levelChannels);
                channels = levelChannels;
                if (config.AttentionLevels.Contains(level)) x = Attend(x, $"up.{level}.attn.{block}", channels);
            }
            if (level > 0) x = layers.Upsample(x, $"up.{level}.upsample", channels, channels);
        }

        var output = layers.NormActConv(x, "out", channels, latent, config.NormGroups, OutputGain);
        graph.FloatOutput(output, "out_sample", "B", latent, "h", "w");
    }

    /// <summary>Sinusoidal embedding of the timestep (cos, sin halves, as diffusers) followed by Linear → SiLU → Linear.</summary>
    private static string TimeEmbedding(Layers layers, UNetConfig config, string timestep)
    {
        var graph = layers.Graph;
        var half = config.BaseChannels / 2;
        var frequencies = new float[half];
        for (var i = 0; i < half; i++) frequencies[i] = (float)Math.Exp(-Math.Log(10000.0) * i / half);
        var angles = graph.Mul(graph.Unsqueeze(timestep, 1), graph.Weight("time.frequencies", frequencies, 1, half));
        var sinusoid = graph.Concat(1, graph.Cos(angles), graph.Sin(angles));
        var hidden = graph.Silu(layers.Linear(sinusoid, "time.linear_1", config.BaseChannels, config.TimeEmbeddingWidth));
        return layers.Linear(hidden, "time.linear_2", config.TimeEmbeddingWidth, config.TimeEmbeddingWidth);
    }
}
