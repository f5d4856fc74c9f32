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
    /// <summary>The batch size of every U-Net call.</summary>
    public UnetUsage Unet { get; init; } = new();

    public void Dispose() => Image.Dispose();
}

/// <summary>
/// PortraitBooth sampling: fused conditioning, seeded latents, classifier-free guidance, scheduler steps, VAE decode.
/// One face without boxes is single-subject sampling (unconditional and conditional inputs in one batch-2 U-Net
/// call); several faces, or any boxes, are multi-subject (MultiDiffusion, see <see cref="MultiSubjectSampler"/>).
/// One pipeline per pack; its ONNX sessions live in the <see cref="ModelPack"/> and are reused.
/// </summary>
public sealed class PortraitPipeline(ModelPack pack, ClipTokenizer tokenizer, SamplingLimits? limits = null)
{
    private readonly ConditioningBuilder _conditioning = new(pack, tokenizer);
    private readonly VaeDecoder _decoder = new(pack);

    public ModelPack Pack => pack;
    public ClipTokenizer Tokenizer => tokenizer;
    public ConditioningBuilder Conditioning => _conditioning;
    public SamplingLimits Limits { get; } = limits ?? new SamplingLimits();

    /// <summary>Checks <paramref name="request"/> with this pipeline's limits and tokenizer, without sampling.</summary>
    public TokenizedPrompt Check(GenerationRequest request) =>
        RequestLimits.Check(request, pack.Manifest, tokenizer, Limits.MaxSubjects);

    public GenerationResult Generate(GenerationRequest request, IProgress<SamplingProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var manifest = pack.Manifest;
        var tokens = Check(request);
        var clock = Stopwatch.StartNew();
        var (timer, usage) = (new OnnxTimer(), new UnetUsage());
        var packTag = InferenceTelemetry.Pack(manifest.Name);
        using var generating = InferenceTelemetry.Source.StartActivity("generate image");
        generating?.SetTag(InferenceTelemetry.PackTag, manifest.Name);
        generating?.SetTag("portraitbooth.steps", request.Steps);

        PromptConditioning unconditional, conditional;
        (IReadOnlyList<SubjectBox> Boxes, SubjectConditioning Conditioning)? subjects = null;
        using (InferenceTelemetry.Source.StartActivity("encode prompt"))
        {
            unconditional = _conditioning.Build(request.NegativePrompt, [], timer);
            if (SubjectLayout.Regions(request) is { } boxes)
            {
                var regions = _conditioning.BuildSubjects(tokens, request.Faces, timer, request.FusedTokens);
                (subjects, conditional) = ((boxes, regions), regions.Fused);
            }
            else conditional = _conditioning.Build(tokens, request.Faces, timer, request.FusedTokens);
        }
        var scheduler = SchedulerFactory.Create(manifest.Scheduler, request.Steps);
        var (latentHeight, latentWidth) = (request.Height / manifest.Latent.VaeScale, request.Width / manifest.Latent.VaeScale);
        var latent = new float[manifest.Latent.Channels * latentHeight * latentWidth];
        InitialNoise(request.Seed, scheduler.InitNoiseSigma, latent);

        using (InferenceTelemetry.Source.StartActivity("sampling"))
        {
            var steps = new StepTimer(progress, packTag);
            if (subjects is { } multi)
                new MultiSubjectSampler(pack, Limits.UnetBatchLimit, timer, usage).Sample(new MultiSubjectSampling(request, multi.Boxes,
                    multi.Conditioning, unconditional.Values, scheduler, latent, latentHeight, latentWidth), steps, cancellationToken);
            else
            {
                using var guidance = GuidedUnet.Create(request.Cfg, pack, latentHeight, latentWidth, timer, usage);
                guidance.SetConditioning(unconditional.Values, conditional.Values);
                for (var step = 0; step < request.Steps; step++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var prediction = guidance.Predict(latent, scheduler.InputScale(step), scheduler.Timesteps[step], request.Guidance);
                    scheduler.Step(prediction, step, latent);
                    steps.Report(new SamplingProgress(step + 1, request.Steps, scheduler.Timesteps[step]));
                }
            }
        }

        Image<Rgb24> image;
        using (InferenceTelemetry.Source.StartActivity("decode"))
            image = _decoder.Decode(latent, latentHeight, latentWidth, timer);
        clock.Stop();
        InferenceTelemetry.ImageDuration.Record(clock.Elapsed.TotalSeconds, packTag);
        return new GenerationResult(image, latent, conditional, clock.Elapsed, timer.Total, timer.Calls) { Unet = usage };
    }

    /// <summary>Seeded standard normals scaled by the scheduler's initial σ: the same seed gives the same latents on any x64 machine.</summary>
    public static void InitialNoise(ulong seed, double initSigma, Span<float> latent)
    {
        new PhiloxRandom(seed).FillNormal(latent);
        var scale = (float)initSigma;
        for (var i = 0; i < latent.Length; i++) latent[i] *= scale;
    }
}
