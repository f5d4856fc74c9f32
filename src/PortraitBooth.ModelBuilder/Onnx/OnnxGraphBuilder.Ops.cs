namespace PortraitBooth.ModelBuilder.Onnx;

/// <summary>The plain ONNX operators the networks use, one method each (no weights here; see <see cref="Layers"/>).</summary>
internal sealed partial class OnnxGraphBuilder
{
    public string Add(string a, string b) => Node("Add", [a, b]);
    public string Mul(string a, string b) => Node("Mul", [a, b]);
    public string MatMul(string a, string b) => Node("MatMul", [a, b]);
    public string Sigmoid(string x) => Node("Sigmoid", [x]);
    public string Tanh(string x) => Node("Tanh", [x]);
    public string Erf(string x) => Node("Erf", [x]);
    public string Sin(string x) => Node("Sin", [x]);
    public string Cos(string x) => Node("Cos", [x]);
    public string Shape(string x) => Node("Shape", [x]);
    public string Softmax(string x) => Node("Softmax", [x], IntAttribute("axis", -1));
    public string Gather(string table, string indices) => Node("Gather", [table, indices], IntAttribute("axis", 0));
    public string Mod(string a, string b) => Node("Mod", [a, b]);
    public string Div(string a, string b) => Node("Div", [a, b]);
    public string Sub(string a, string b) => Node("Sub", [a, b]);
    public string Relu(string x) => Node("Relu", [x]);
    public string Exp(string x) => Node("Exp", [x]);

    /// <summary>Clamps to [<paramref name="min"/>, <paramref name="max"/>] (e.g. relu6 = Clip(x, 0, 6)).</summary>
    public string Clip(string x, float min, float max) => Node("Clip", [x, FloatScalar(min), FloatScalar(max)]);

    /// <summary>x[start:end] along one axis.</summary>
    public string Slice(string x, int axis, long start, long end) => Node("Slice", [x, Int64s(start), Int64s(end), Int64s(axis)]);

    /// <summary>Reshape to a fixed pattern; 0 copies the input's dimension, -1 takes the rest.</summary>
    public string Reshape(string x, params long[] pattern) => Node("Reshape", [x, Int64s(pattern)]);

    /// <summary>Reshape to the runtime shape of another value (e.g. back to [B,C,h,w] with dynamic h, w).</summary>
    public string ReshapeLike(string x, string shapeOf) => Node("Reshape", [x, Shape(shapeOf)]);

    public string Transpose(string x, params long[] perm) => Node("Transpose", [x], IntsAttribute("perm", perm));
    public string Concat(int axis, params string[] values) => Node("Concat", values, IntAttribute("axis", axis));
    public string Unsqueeze(string x, params long[] axes) => Node("Unsqueeze", [x, Int64s(axes)]);
    public string Flatten(string x) => Node("Flatten", [x], IntAttribute("axis", 1));
    public string GlobalAveragePool(string x) => Node("GlobalAveragePool", [x]);

    /// <summary>SiLU (x·σ(x)); opset 17 has no fused operator for it.</summary>
    public string Silu(string x) => Mul(x, Sigmoid(x));

    /// <summary>Exact GELU, 0.5·x·(1+erf(x/√2)); the Gelu operator only arrives in opset 20.</summary>
    public string Gelu(string x)
    {
        var erf = Erf(Mul(x, FloatScalar(1f / MathF.Sqrt(2f))));
        return Mul(Mul(x, FloatScalar(0.5f)), Add(erf, FloatScalar(1f)));
    }

    /// <summary>Nearest-neighbour ×2 in both spatial axes of an NCHW value.</summary>
    public string UpsampleNearest2x(string x) =>
        Node("Resize", [x, "", Floats(1f, 1f, 2f, 2f)],
            StringAttribute("mode", "nearest"),
            StringAttribute("coordinate_transformation_mode", "asymmetric"),
            StringAttribute("nearest_mode", "floor"));

    public string Conv(string x, string weight, string bias, int kernel, int stride)
    {
        var pad = kernel / 2;
        return Node("Conv", [x, weight, bias],
            IntsAttribute("kernel_shape", kernel, kernel),
            IntsAttribute("strides", stride, stride),
            IntsAttribute("pads", pad, pad, pad, pad));
    }

    /// <summary>
    /// Conv with explicit pads [top, left, bottom, right] (e.g. TensorFlow's asymmetric 'same') and optional groups
    /// (group = channels for a depthwise conv); <paramref name="bias"/> may be "" for none.
    /// </summary>
    public string Conv(string x, string weight, string bias, int kernelHeight, int kernelWidth, int stride, int[] pads, int group = 1) =>
        Node("Conv", bias.Length == 0 ? [x, weight] : [x, weight, bias],
            IntsAttribute("kernel_shape", kernelHeight, kernelWidth),
            IntsAttribute("strides", stride, stride),
            IntsAttribute("pads", [.. pads.Select(p => (long)p)]),
            IntAttribute("group", group));

    /// <summary>Max pooling without padding (TensorFlow 'valid').</summary>
    public string MaxPool(string x, int kernel, int stride) =>
        Node("MaxPool", [x], IntsAttribute("kernel_shape", kernel, kernel), IntsAttribute("strides", stride, stride));

    /// <summary>Max pooling with explicit pads (begin h, begin w, end h, end w); padded cells never win, as in TensorFlow's 'same'.</summary>
    public string MaxPool(string x, int kernel, int stride, long[] pads) =>
        Node("MaxPool", [x], IntsAttribute("kernel_shape", kernel, kernel), IntsAttribute("strides", stride, stride), IntsAttribute("pads", pads));

    /// <summary>Average pooling without padding (TensorFlow 'valid'), so every window is a full one.</summary>
    public string AveragePool(string x, int kernel, int stride) =>
        Node("AveragePool", [x], IntsAttribute("kernel_shape", kernel, kernel), IntsAttribute("strides", stride, stride));

    /// <summary>Zero padding; <paramref name="pads"/> lists every axis's leading counts, then every axis's trailing counts.</summary>
    public string ZeroPad(string x, params long[] pads) => Node("Pad", [x, Int64s(pads)], StringAttribute("mode", "constant"));

    public string InstanceNormalization(string x, string scale, string bias, float epsilon) =>
        Node("InstanceNormalization", [x, scale, bias], FloatAttribute("epsilon", epsilon));

    /// <summary>Inference-mode batch norm with per-channel [C] vectors: (x − mean)/√(var + ε)·scale + bias.</summary>
    public string BatchNormalization(string x, string scale, string bias, string mean, string variance, float epsilon) =>
        Node("BatchNormalization", [x, scale, bias, mean, variance], FloatAttribute("epsilon", epsilon));

    public string LayerNormalization(string x, string scale, string bias, float epsilon) =>
        Node("LayerNormalization", [x, scale, bias], IntAttribute("axis", -1), FloatAttribute("epsilon", epsilon));
}
