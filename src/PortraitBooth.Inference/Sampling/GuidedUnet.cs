using PortraitBooth.Inference.Onnx;
using PortraitBooth.Inference.Packs;

namespace PortraitBooth.Inference.Sampling;

/// <summary>Classifier-free guidance around the U-Net: ε = ε_u + g·(ε_c − ε_u).</summary>
internal abstract class GuidedUnet : IDisposable
{
    protected readonly float[] Guided;

    protected GuidedUnet(int latentLength) => Guided = new float[latentLength];

    public static GuidedUnet Create(CfgMode mode, ModelPack pack, int latentHeight, int latentWidth, OnnxTimer timer, UnetUsage usage) =>
        mode switch
        {
            CfgMode.Batched => new BatchedGuidedUnet(pack, latentHeight, latentWidth, timer, usage),
            CfgMode.Sequential => new SequentialGuidedUnet(pack, latentHeight, latentWidth, timer, usage),
            _ => throw new ArgumentOutOfRangeException(nameof(mode)),
        };

    public abstract void SetConditioning(float[] unconditional, float[] conditional);

    /// <summary>The guided noise prediction for <paramref name="latent"/>; valid until the next call.</summary>
    public abstract ReadOnlySpan<float> Predict(ReadOnlySpan<float> latent, float inputScale, double timestep, float guidance);

    protected ReadOnlySpan<float> Combine(ReadOnlySpan<float> unconditional, ReadOnlySpan<float> conditional, float guidance)
    {
        Guide(unconditional, conditional, guidance, Guided);
        return Guided;
    }

    /// <summary>destination = ε_u + g·(ε_c − ε_u).</summary>
    public static void Guide(ReadOnlySpan<float> unconditional, ReadOnlySpan<float> conditional, float guidance, Span<float> destination)
    {
        for (var i = 0; i < destination.Length; i++)
            destination[i] = unconditional[i] + guidance * (conditional[i] - unconditional[i]);
    }

    protected static void Scale(ReadOnlySpan<float> latent, float inputScale, Span<float> destination)
    {
        for (var i = 0; i < latent.Length; i++) destination[i] = latent[i] * inputScale;
    }

    public abstract void Dispose();
}

/// <summary>Unconditional and conditional inputs in one batch-2 call: rows [0] = unconditional, [1] = conditional.</summary>
internal sealed class BatchedGuidedUnet(ModelPack pack, int latentHeight, int latentWidth, OnnxTimer timer, UnetUsage usage)
    : GuidedUnet(pack.Manifest.Latent.Channels * latentHeight * latentWidth)
{
    private readonly UnetRunner _unet = new(pack, 2, latentHeight, latentWidth, timer, usage);

    public override void SetConditioning(float[] unconditional, float[] conditional)
    {
        unconditional.CopyTo(_unet.EncoderStates.Floats);
        conditional.CopyTo(_unet.EncoderStates.Floats[unconditional.Length..]);
    }

    public override ReadOnlySpan<float> Predict(ReadOnlySpan<float> latent, float inputScale, double timestep, float guidance)
    {
        Scale(latent, inputScale, _unet.Sample.Floats);
        Scale(latent, inputScale, _unet.Sample.Floats[latent.Length..]);
        _unet.Run(timestep);
        var output = _unet.Output.Floats;
        return Combine(output[..latent.Length], output[latent.Length..], guidance);
    }

    public override void Dispose() => _unet.Dispose();
}

/// <summary>Two batch-1 calls per step; kept to measure and test the batched path against.</summary>
internal sealed class SequentialGuidedUnet(ModelPack pack, int latentHeight, int latentWidth, OnnxTimer timer, UnetUsage usage)
    : GuidedUnet(pack.Manifest.Latent.Channels * latentHeight * latentWidth)
{
    private readonly UnetRunner _unconditional = new(pack, 1, latentHeight, latentWidth, timer, usage);
    private readonly UnetRunner _conditional = new(pack, 1, latentHeight, latentWidth, timer, usage);

    public override void SetConditioning(float[] unconditional, float[] conditional)
    {
        unconditional.CopyTo(_unconditional.EncoderStates.Floats);
        conditional.CopyTo(_conditional.EncoderStates.Floats);
    }

    public override ReadOnlySpan<float> Predict(ReadOnlySpan<float> latent, float inputScale, double timestep, float guidance)
    {
        Scale(latent, inputScale, _unconditional.Sample.Floats);
        Scale(latent, inputScale, _conditional.Sample.Floats);
        _unconditional.Run(timestep);
        _conditional.Run(timestep);
        return Combine(_unconditional.Output.Floats, _conditional.Output.Floats, guidance);
    }

    public override void Dispose()
    {
        _unconditional.Dispose();
        _conditional.Dispose();
    }
}
