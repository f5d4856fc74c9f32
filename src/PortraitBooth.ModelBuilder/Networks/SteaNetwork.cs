using PortraitBooth.ModelBuilder.Onnx;

namespace PortraitBooth.ModelBuilder.Networks;

/// <summary>
/// FastComposer-style fuse MLP: token [N,W] (identity word's encoder row), face [N,D] → fused [N,W].
/// x = token + MLP(LN(concat(token, face))); x = x + MLP(LN(x)); final LayerNorm.
/// </summary>
internal static class SteaNetwork
{
    public static void Build(Layers layers, PackConfig pack)
    {
        var tokenWidth = pack.Text.Width;
        var faceWidth = pack.Face.EmbeddingWidth;
        var hidden = pack.SteaHiddenWidth;
        var graph = layers.Graph;
        var token = graph.FloatInput("token", "N", tokenWidth);
        var face = graph.FloatInput("face", "N", faceWidth);

        var joined = layers.LayerNorm(graph.Concat(1, token, face), "fuse.norm", tokenWidth + faceWidth);
        var x = graph.Add(token, layers.FeedForward(joined, "fuse.mlp", tokenWidth + faceWidth, hidden, tokenWidth));
        x = graph.Add(x, layers.FeedForward(layers.LayerNorm(x, "refine.norm", tokenWidth), "refine.mlp", tokenWidth, hidden, tokenWidth));
        graph.FloatOutput(layers.LayerNorm(x, "final_norm", tokenWidth), "fused", "N", tokenWidth);
    }
}
