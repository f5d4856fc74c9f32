using PortraitBooth.Inference.Onnx;
using PortraitBooth.Inference.Packs;

namespace PortraitBooth.Inference.Sampling;

/// <summary>
/// The U-Net's edges for one batch size and latent size, allocated once per generation and reused every step.
/// Handles the timestep contracts: float32 [B] (diffusers export), float16 [B] (float16-edged exports) and int64
/// [1] or [B] (older exports). An integer input cannot carry the fractional timesteps of "linspace" spacing, so
/// they are rounded to the nearest integer (float16 keeps steps of 0.5 below 1024); the scheduler's σ stays the
/// exact interpolated value either way.
/// </summary>
internal sealed class UnetRunner : IDisposable
{
    private readonly ModelPack _pack;
    private readonly ModelSpec _spec;
    private readonly OnnxTimer? _timer;
    private readonly UnetUsage? _usage;
    private readonly (string, OrtBuffer)[] _inputs;
    private readonly (string, OrtBuffer)[] _outputs;
    private readonly int _latentHeight, _latentWidth;

    public UnetRunner(ModelPack pack, int batch, int latentHeight, int latentWidth, OnnxTimer? timer, UnetUsage? usage = null)
    {
        _pack = pack;
        _spec = pack.Spec(PackModels.Unet);
        _timer = timer;
        _usage = usage;
        Batch = batch;
        (_latentHeight, _latentWidth) = (latentHeight, latentWidth);
        var channels = pack.Manifest.Latent.Channels;
        var (length, width) = (pack.Manifest.Tokenizer.MaxLength, pack.Manifest.Stea.TokenWidth);
        var timestep = _spec.Inputs["timestep"];
        var timestepLength = timestep.Shape[0].Size == 1 ? 1 : batch;
        Sample = OrtBuffer.Allocate(_spec.Inputs["sample"], batch, channels, latentHeight, latentWidth);
        Timestep = OrtBuffer.Allocate(timestep, timestepLength);
        EncoderStates = OrtBuffer.Allocate(_spec.Inputs["encoder_hidden_states"], batch, length, width);
        Output = OrtBuffer.Allocate(_spec.Outputs["out_sample"], batch, channels, latentHeight, latentWidth);
        _inputs = [(_spec.Inputs["sample"].Name, Sample), (timestep.Name, Timestep), (_spec.Inputs["encoder_hidden_states"].Name, EncoderStates)];
        _outputs = [(_spec.Outputs["out_sample"].Name, Output)];
    }

    public int Batch { get; }
    public OrtBuffer Sample { get; }
    public OrtBuffer Timestep { get; }
    public OrtBuffer EncoderStates { get; }
    public OrtBuffer Output { get; }

    public void Run(double timestep)
    {
        if (Timestep.DType == "int64") Timestep.Int64s.Fill((long)Math.Round(timestep));
        else Timestep.Floats.Fill((float)timestep);
        OnnxRun.Run(_pack.Session(PackModels.Unet), _inputs, _outputs, _timer);
        _usage?.Add(Batch, _latentHeight, _latentWidth);
    }

    public void Dispose()
    {
        foreach (var (_, buffer) in _inputs) buffer.Dispose();
        foreach (var (_, buffer) in _outputs) buffer.Dispose();
    }
}
