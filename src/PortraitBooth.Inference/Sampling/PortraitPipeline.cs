using System.Diagnostics;
using PortraitBooth.Inference.Conditioning;
using PortraitBooth.Inference.Diagnostics;
using PortraitBooth.Inference.Onnx;
using PortraitBooth.Inference.Packs;
using PortraitBooth.Inference.Randomness;
using PortraitBooth.Inference.Scheduling;
using PortraitBooth.Inference.Text;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace PortraitBooth.Inference.Sampling;

/// <param name="Latent">The final denoised latent [C,h,w], before the VAE.</param>
public sealed record GenerationResult(
    Image<Rgb24> Image,
    float[] Latent,
    PromptConditioning Conditioning,
    TimeSpan Total,
    TimeSpan OnnxTime,
    int OnnxCalls) : IDisposable
{
    public void Dispose() => Image.Dispose();
}

/// <summary>
/// Single-subject PortraitBooth sampling: fused conditioning, seeded latents, classifier-free guidance with the
/// unconditional and conditional inputs in one batch-2 U-Net call, scheduler steps, VAE decode.
/// One pipeline per pack; its ONNX sessions live in the <see cref="ModelPack"/> and are reused.
/// </summary>
public sealed class PortraitPipeline(ModelPack pack, ClipTokenizer tokenizer)
{
    private readonly ConditioningBuilder _conditioning = new(pack, tokenizer);
    private readonly VaeDecoder _decoder = new(pack);

    public ModelPack Pack => pack;
    public ClipTokenizer Tokenizer => tokenizer;
    public ConditioningBuilder Conditioning => _conditioning;

    public GenerationResult Generate(GenerationRequest request, IProgress<SamplingProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var manifest = pack.Manifest;
        RequestLimits.Check(request, manifest);
        var clock = Stopwatch.StartNew();
        var timer = new OnnxTimer();
        var packTag = InferenceTelemetry.Pack(manifest.Name);
        using var generating = InferenceTelemetry.Source.StartActivity("generate image");
        generating?.SetTag(InferenceTelemetry.PackTag, manifest.Name);
        generating?.SetTag("portraitbooth.steps", request.Steps);

        PromptConditioning conditional, unconditional;
        using (InferenceTelemetry.Source.StartActivity("encode prompt"))
        {
            conditional = _conditioning.Build(request.Prompt, request.Faces, timer, request.FusedTokens);
            unconditional = _conditioning.Build(request.NegativePrompt, [], timer);
        }
        var scheduler = SchedulerFactory.Create(manifest.Scheduler, request.Steps);
        var (latentHeight, latentWidth) = (request.Height / manifest.Latent.VaeScale, request.Width / manifest.Latent.VaeScale);
        var latent = new float[manifest.Latent.Channels * latentHeight * latentWidth];
        InitialNoise(request.Seed, scheduler.InitNoiseSigma, latent);

        using (InferenceTelemetry.Source.StartActivity("sampling"))
        using (var guidance = GuidedUnet.Create(request.Cfg, pack, latentHeight, latentWidth, timer))
        {
            guidance.SetConditioning(unconditional.Values, conditional.Values);
            for (var step = 0; step < request.Steps; step++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var stepStart = Stopwatch.GetTimestamp();
                var prediction = guidance.Predict(latent, scheduler.InputScale(step), scheduler.Timesteps[step], request.Guidance);
                scheduler.Step(prediction, step, latent);
                InferenceTelemetry.StepDuration.Record(Stopwatch.GetElapsedTime(stepStart).TotalSeconds, packTag);
                progress?.Report(new SamplingProgress(step + 1, request.Steps, scheduler.Timesteps[step]));
            }
        }

        Image<Rgb24> image;
        using (InferenceTelemetry.Source.StartActivity("decode"))
            image = _decoder.Decode(latent, latentHeight, latentWidth, timer);
        clock.Stop();
        InferenceTelemetry.ImageDuration.Record(clock.Elapsed.TotalSeconds, packTag);
        return new GenerationResult(image, latent, conditional, clock.Elapsed, timer.Total, timer.Calls);
    }

    /// <summary>Seeded standard normals scaled by the scheduler's initial σ: the same seed gives the same latents on any x64 machine.</summary>
    public static void InitialNoise(ulong seed, double initSigma, Span<float> latent)
    {
        new PhiloxRandom(seed).FillNormal(latent);
        var scale = (float)initSigma;
        for (var i = 0; i < latent.Length; i++) latent[i] *= scale;
    }
}
