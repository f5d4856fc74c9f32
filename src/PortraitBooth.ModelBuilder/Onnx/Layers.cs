namespace PortraitBooth.ModelBuilder.Onnx;

/// <summary>
/// Layers with weights (linear, conv, norms, attention, ResNet and transformer blocks) drawn from one
/// <see cref="WeightInitializer"/>; each weight is named by the caller's layer path (e.g. "down.1.res.0.conv1").
/// </summary>
internal sealed class Layers(OnnxGraphBuilder graph, WeightInitializer weights)
{
    /// <summary>
    /// Gain of the last layer of every residual branch. Untrained branches add variance at each block;
    /// halving them keeps a deep U-Net's activations of order 1 instead of growing by 2× per block.
    /// </summary>
    public const float ResidualGain = 0.5f;

    private const float NormEpsilon = 1e-5f;

    public OnnxGraphBuilder Graph => graph;
    public WeightInitializer Weights => weights;

    /// <summary>x·W + b over the last axis; W is [in, out] so any leading axes broadcast.</summary>
    public string Linear(string x, string path, int inWidth, int outWidth, float gain = 1f, bool bias = true)
    {
        var weight = graph.Weight($"{path}.weight", weights.FanIn(inWidth * outWidth, inWidth, gain), inWidth, outWidth);
        var y = graph.MatMul(x, weight);
        return bias ? graph.Add(y, graph.Zeros($"{path}.bias", outWidth)) : y;
    }

    public string Conv2d(string x, string path, int inChannels, int outChannels, int kernel, int stride = 1, float gain = 1f)
    {
        var fanIn = inChannels * kernel * kernel;
        var weight = graph.Weight($"{path}.weight", weights.FanIn(outChannels * fanIn, fanIn, gain),
            outChannels, inChannels, kernel, kernel);
        return graph.Conv(x, weight, graph.Zeros($"{path}.bias", outChannels), kernel, stride);
    }

    /// <summary>
    /// GroupNorm on NCHW: ONNX Runtime has no GroupNormalization at opset 17, so reshape to [B,G,-1],
    /// instance-normalise each group, reshape back and apply the per-channel affine.
    /// </summary>
    public string GroupNorm(string x, string path, int channels, int groups)
    {
        if (channels % groups != 0) throw new ArgumentException($"{path}: {channels} channels in {groups} groups");
        var grouped = graph.Reshape(x, 0, groups, -1);
        var normalised = graph.InstanceNormalization(grouped, graph.Ones($"{path}.group_scale", groups),
            graph.Zeros($"{path}.group_bias", groups), NormEpsilon);
        var restored = graph.ReshapeLike(normalised, x);
        var scaled = graph.Mul(restored, graph.Ones($"{path}.weight", channels, 1, 1));
        return graph.Add(scaled, graph.Zeros($"{path}.bias", channels, 1, 1));
    }

    public string LayerNorm(string x, string path, int width) =>
        graph.LayerNormalization(x, graph.Ones($"{path}.weight", width), graph.Zeros($"{path}.bias", width), NormEpsilon);

    /// <summary>Linear → GELU → Linear, the last one scaled by <paramref name="outGain"/>.</summary>
    public string FeedForward(string x, string path, int inWidth, int hiddenWidth, int outWidth, float outGain = ResidualGain) =>
        Linear(graph.Gelu(Linear(x, $"{path}.fc1", inWidth, hiddenWidth)), $"{path}.fc2", hiddenWidth, outWidth, outGain);

    /// <summary>
    /// Multi-head attention: queries from <paramref name="x"/> [B,S,width], keys and values from
    /// <paramref name="context"/> [B,T,contextWidth] (x itself for self-attention); an additive mask [S,T] is optional.
    /// </summary>
    public string Attention(string x, string context, string path, int width, int contextWidth, int heads, string? mask = null)
    {
        if (width % heads != 0) throw new ArgumentException($"{path}: width {width} over {heads} heads");
        var headWidth = width / heads;
        var q = SplitHeads(Linear(x, $"{path}.to_q", width, width, bias: false), heads, headWidth);
        var k = SplitHeads(Linear(context, $"{path}.to_k", contextWidth, width, bias: false), heads, headWidth);
        var v = SplitHeads(Linear(context, $"{path}.to_v", contextWidth, width, bias: false), heads, headWidth);
        var scaledQ = graph.Mul(q, graph.FloatScalar(1f / MathF.Sqrt(headWidth)));
        var scores = graph.MatMul(scaledQ, graph.Transpose(k, 0, 1, 3, 2));
        if (mask is not null) scores = graph.Add(scores, mask);
        var mixed = graph.MatMul(graph.Softmax(scores), v);
        var merged = graph.Reshape(graph.Transpose(mixed, 0, 2, 1, 3), 0, 0, width);
        return Linear(merged, $"{path}.to_out", width, width, ResidualGain);
    }

    /// <summary>
    /// Diffusers-style ResNet block: GN → SiLU → conv, plus the projected time embedding, GN → SiLU → conv,
    /// added to the input (1×1-projected when the width changes).
    /// </summary>
    public string ResNetBlock(string x, string path, int inChannels, int outChannels, int groups,
        string? timeEmbedding = null, int timeEmbeddingWidth = 0)
    {
        var h = Conv2d(graph.Silu(GroupNorm(x, $"{path}.norm1", inChannels, groups)), $"{path}.conv1", inChannels, outChannels, 3);
        if (timeEmbedding is not null)
        {
            var projected = Linear(graph.Silu(timeEmbedding), $"{path}.time_emb_proj", timeEmbeddingWidth, outChannels);
            h = graph.Add(h, graph.Unsqueeze(projected, 2, 3));
        }
        h = Conv2d(graph.Silu(GroupNorm(h, $"{path}.norm2", outChannels, groups)), $"{path}.conv2", outChannels, outChannels, 3,
            gain: ResidualGain);
        var shortcut = inChannels == outChannels ? x : Conv2d(x, $"{path}.conv_shortcut", inChannels, outChannels, 1);
        return graph.Add(shortcut, h);
    }

    /// <summary>
    /// SD's spatial transformer: GN, flatten to tokens, then self-attention, cross-attention to
    /// <paramref name="context"/> and a feed-forward, each pre-LayerNorm and residual; back to NCHW plus the input.
    /// </summary>
    public string SpatialTransformer(string x, string path, int channels, int groups, int heads, string context, int contextWidth)
    {
        var normalised = GroupNorm(x, $"{path}.norm", channels, groups);
        var tokens = graph.Transpose(graph.Reshape(normalised, 0, 0, -1), 0, 2, 1); // [B, h·w, C]
        var h = Linear(tokens, $"{path}.proj_in", channels, channels);
        var selfInput = LayerNorm(h, $"{path}.norm1", channels);
        h = graph.Add(h, Attention(selfInput, selfInput, $"{path}.attn1", channels, channels, heads));
        h = graph.Add(h, Attention(LayerNorm(h, $"{path}.norm2", channels), context, $"{path}.attn2", channels, contextWidth, heads));
        h = graph.Add(h, FeedForward(LayerNorm(h, $"{path}.norm3", channels), $"{path}.ff", channels, 4 * channels, channels));
        h = Linear(h, $"{path}.proj_out", channels, channels, ResidualGain);
        return graph.Add(x, graph.ReshapeLike(graph.Transpose(h, 0, 2, 1), x));
    }

    public string Downsample(string x, string path, int inChannels, int outChannels) =>
        Conv2d(x, $"{path}.conv", inChannels, outChannels, 3, stride: 2);

    public string Upsample(string x, string path, int inChannels, int outChannels) =>
        Conv2d(graph.UpsampleNearest2x(x), $"{path}.conv", inChannels, outChannels, 3);

    /// <summary>GN → SiLU → 3×3 conv: the output head shared by the U-Net and the VAE.</summary>
    public string NormActConv(string x, string path, int inChannels, int outChannels, int groups, float gain = 1f) =>
        Conv2d(graph.Silu(GroupNorm(x, $"{path}.norm", inChannels, groups)), $"{path}.conv", inChannels, outChannels, 3, gain: gain);

    private string SplitHeads(string x, int heads, int headWidth) =>
        graph.Transpose(graph.Reshape(x, 0, 0, heads, headWidth), 0, 2, 1, 3); // [B, heads, S, headWidth]
}
