using PortraitBooth.ModelBuilder.Onnx;

namespace PortraitBooth.ModelBuilder.Networks;

/// <summary>
/// Face identity encoder: face [B,3,S,S] (preprocessed crop) → embedding [B,D].
/// Stride-2 conv → GN → SiLU stages, global average pool, linear projection.
/// </summary>
internal static class FaceEncoderNetwork
{
    public static void Build(Layers layers, PackConfig pack)
    {
        var config = pack.Face;
        var graph = layers.Graph;
        var x = graph.FloatInput("face", "B", 3, config.InputSize, config.InputSize);

        var channels = 3;
        for (var stage = 0; stage < config.Channels.Count; stage++)
        {
            var path = $"stage.{stage}";
            x = layers.Conv2d(x, $"{path}.conv", channels, config.Channels[stage], 3, stride: 2);
            channels = config.Channels[stage];
            x = graph.Silu(layers.GroupNorm(x, $"{path}.norm", channels, config.NormGroups));
        }
        var pooled = graph.Flatten(graph.GlobalAveragePool(x));
        var embedding = layers.Linear(pooled, "projection", channels, config.EmbeddingWidth);
        graph.FloatOutput(embedding, "embedding", "B", config.EmbeddingWidth);
    }
}
