using PortraitBooth.ModelBuilder.Onnx;

namespace PortraitBooth.ModelBuilder.Networks;

/// <summary>
/// CLIP-style text encoder: input_ids int32 [B,77] → last_hidden_state [B,77,W].
/// Token + position embeddings, pre-LN causal transformer layers (attention, GELU MLP), final LayerNorm.
/// </summary>
internal static class TextEncoderNetwork
{
    public static void Build(Layers layers, PackConfig pack)
    {
        var config = pack.Text;
        var graph = layers.Graph;
        const int length = TextEncoderConfig.ContextLength;
        var ids = graph.Int32Input("input_ids", "B", length);

        var x = graph.Add(TokenEmbedding(layers, config, ids),
            graph.Weight("embeddings.position", EmbeddingTable(layers, length, config.Width), length, config.Width));
        var mask = graph.Weight("causal_mask", CausalMask(length), length, length);
        for (var i = 0; i < config.Layers; i++)
        {
            var path = $"layers.{i}";
            var normalised = layers.LayerNorm(x, $"{path}.norm1", config.Width);
            x = graph.Add(x, layers.Attention(normalised, normalised, $"{path}.attn", config.Width, config.Width, config.Heads, mask));
            x = graph.Add(x, layers.FeedForward(layers.LayerNorm(x, $"{path}.norm2", config.Width), $"{path}.mlp",
                config.Width, 4 * config.Width, config.Width));
        }
        graph.FloatOutput(layers.LayerNorm(x, "final_norm", config.Width), "last_hidden_state", "B", length, config.Width);
    }

    /// <summary>low[id mod R] + high[id div R]: distinct for every id, far smaller than a 49,408-row table.</summary>
    private static string TokenEmbedding(Layers layers, TextEncoderConfig config, string ids)
    {
        var graph = layers.Graph;
        var rows = config.EmbeddingRows;
        var highRows = (TextEncoderConfig.VocabSize + rows - 1) / rows;
        var low = graph.Weight("embeddings.token_low", EmbeddingTable(layers, rows, config.Width), rows, config.Width);
        var high = graph.Weight("embeddings.token_high", EmbeddingTable(layers, highRows, config.Width), highRows, config.Width);
        var divisor = graph.Int32Scalar(rows);
        return graph.Add(graph.Gather(low, graph.Mod(ids, divisor)), graph.Gather(high, graph.Div(ids, divisor)));
    }

    /// <summary>Three embeddings are summed (low, high, position), each at std 1/√3, so the sum has unit scale.</summary>
    private static float[] EmbeddingTable(Layers layers, int rows, int width) =>
        layers.Weights.Scaled(rows * width, 1f / MathF.Sqrt(3f));

    /// <summary>Additive mask: a token attends to itself and earlier tokens only.</summary>
    private static float[] CausalMask(int length)
    {
        var mask = new float[length * length];
        for (var row = 0; row < length; row++)
            for (var column = row + 1; column < length; column++)
                mask[row * length + column] = -1e9f;
        return mask;
    }
}
