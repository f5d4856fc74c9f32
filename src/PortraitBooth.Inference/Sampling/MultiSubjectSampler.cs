using PortraitBooth.Inference.Conditioning;
using PortraitBooth.Inference.Onnx;
using PortraitBooth.Inference.Packs;
using PortraitBooth.Inference.Scheduling;

namespace PortraitBooth.Inference.Sampling;

/// <summary>What one multi-subject generation samples: the request, its boxes and conditionings, the scheduler and the latent.</summary>
/// <param name="Unconditional">The negative prompt's encoder states.</param>
/// <param name="Latent">[C·h·w], the initial noise; denoised in place.</param>
internal sealed record MultiSubjectSampling(
    GenerationRequest Request,
    IReadOnlyList<SubjectBox> Boxes,
    SubjectConditioning Conditioning,
    float[] Unconditional,
    IDiffusionScheduler Scheduler,
    float[] Latent,
    int LatentHeight,
    int LatentWidth);

/// <summary>
/// MultiDiffusion on one latent: the subjects' regions (own fused identity row each) and the background
/// (1 − Σ subject masks, plain conditioning; left out where it covers nothing). Each subject's rows run on its
/// <see cref="LatentWindow"/> (its box plus context, or the canvas where the U-Net takes no other size); the
/// background's on the canvas. Per step every region's guided prediction ε_u + g(ε_r − ε_u) is blended by the
/// masks and ONE scheduler step is taken on the blend. After bootstrapping one canvas-wide unconditional row serves
/// every region (a subject takes its window of it); while bootstrapping each subject's input differs, so each has
/// its own. Batched, the rows of one size are one U-Net call (chunked above the batch limit); sequential, each
/// region's rows (and the shared row) are a call of their own, with the same rows and so the same result.
/// </summary>
internal sealed class MultiSubjectSampler(ModelPack pack, int unetBatchLimit, OnnxTimer timer, UnetUsage usage)
{
    private sealed record Region(float[] Mask, float[] Conditioning, int Subject, LatentWindow Window);

    /// <summary>One U-Net row of a step, the call group it joins and where its prediction goes.</summary>
    private readonly record struct PlannedRow(UnetRow Row, LatentWindow Window, int Group, float[] Output);

    /// <summary>Denoises <paramref name="sampling"/>'s latent in place, one scheduler step per timestep.</summary>
    public void Sample(MultiSubjectSampling sampling, IProgress<SamplingProgress>? progress, CancellationToken cancellationToken)
    {
        var (request, boxes, conditioning, unconditional, scheduler, latent, latentHeight, latentWidth) = sampling;
        var channels = pack.Manifest.Latent.Channels;
        var canvas = LatentWindow.Canvas(latentHeight, latentWidth);
        var regions = Regions(boxes, conditioning, latentHeight, latentWidth);
        var (masks, windows) = (regions.Select(r => r.Mask).ToList(), regions.Select(r => r.Window).ToList());
        var bootstrapSteps = (int)Math.Round(request.BootstrapFraction * request.Steps);
        var background = bootstrapSteps > 0 ? BootstrapBackground.Encode(pack, boxes.Count, request.Seed, latentHeight, latentWidth, timer) : null;
        float[] WindowSized(Region r) => new float[channels * r.Window.Pixels];
        var composites = regions.Select(r => r.Subject >= 0 && bootstrapSteps > 0 ? new float[latent.Length] : null).ToList();
        var inputs = regions.Select(r => r.Window == canvas ? null : WindowSized(r)).ToList();
        var (unconditionalOut, conditionalOut, guided) = (regions.Select(WindowSized).ToList(), regions.Select(WindowSized).ToList(), regions.Select(WindowSized).ToList());
        var sharedOut = new float[latent.Length];
        var blend = new float[latent.Length];
        var sequential = request.Cfg == CfgMode.Sequential;
        var unets = new Dictionary<(int Height, int Width), UnetRows>(); // one set of buffers per window size
        try
        {
            for (var step = 0; step < request.Steps; step++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var shared = step >= bootstrapSteps;
                var rows = new List<PlannedRow>();
                if (shared) rows.Add(new PlannedRow(new UnetRow(latent, unconditional), canvas, -1, sharedOut));
                for (var r = 0; r < regions.Count; r++)
                {
                    var source = latent;
                    if (!shared && regions[r].Subject >= 0)
                    {
                        background!.Compose(latent, regions[r].Mask, regions[r].Subject, scheduler.Sigmas[step], composites[r]);
                        source = composites[r]!;
                    }
                    var input = source;
                    if (inputs[r] is { } window)
                    {
                        regions[r].Window.Crop(source, latentHeight, latentWidth, window);
                        input = window;
                    }
                    if (!shared) rows.Add(new PlannedRow(new UnetRow(input, unconditional), regions[r].Window, r, unconditionalOut[r]));
                    rows.Add(new PlannedRow(new UnetRow(input, regions[r].Conditioning), regions[r].Window, r, conditionalOut[r]));
                }
                foreach (var call in Calls(rows, sequential))
                {
                    var size = (call[0].Window.Height, call[0].Window.Width);
                    if (!unets.TryGetValue(size, out var unet))
                        unets[size] = unet = new UnetRows(pack, size.Height, size.Width, unetBatchLimit, timer, usage);
                    unet.Run(call.Select(g => g.Row).ToList(), call.Count, scheduler.InputScale(step), scheduler.Timesteps[step],
                        call.Select(g => g.Output).ToList());
                }
                for (var r = 0; r < regions.Count; r++)
                {
                    var unconditionalPrediction = unconditionalOut[r];
                    if (shared && regions[r].Window == canvas) unconditionalPrediction = sharedOut;
                    else if (shared) regions[r].Window.Crop(sharedOut, latentHeight, latentWidth, unconditionalPrediction);
                    GuidedUnet.Guide(unconditionalPrediction, conditionalOut[r], request.Guidance, guided[r]);
                }
                RegionBlend.Blend(guided, masks, windows, latentHeight, latentWidth, blend);
                scheduler.Step(blend, step, latent);
                progress?.Report(new SamplingProgress(step + 1, request.Steps, scheduler.Timesteps[step]));
            }
        }
        finally
        {
            foreach (var unet in unets.Values) unet.Dispose();
        }
    }

    /// <summary>Batched: one call per size, the canvas first; sequential: one per region, the shared row alone first.</summary>
    private static IEnumerable<List<PlannedRow>> Calls(List<PlannedRow> rows, bool sequential) =>
        sequential
            ? rows.GroupBy(row => row.Group).Select(call => call.ToList())
            : rows.GroupBy(row => (row.Window.Height, row.Window.Width)).Select(call => call.ToList()).OrderByDescending(call => call[0].Window.Pixels);

    private List<Region> Regions(IReadOnlyList<SubjectBox> boxes, SubjectConditioning conditioning, int latentHeight, int latentWidth)
    {
        var vaeScale = pack.Manifest.Latent.VaeScale;
        var regions = boxes
            .Select((box, k) => new Region(RegionMasks.Subject(box, latentHeight, latentWidth, vaeScale), conditioning.Subjects[k], k,
                LatentWindow.Around(box, pack, latentHeight, latentWidth)))
            .ToList();
        var background = RegionMasks.Background(regions.Select(r => r.Mask).ToList());
        if (background.Any(m => m > 0)) regions.Add(new Region(background, conditioning.Plain, -1, LatentWindow.Canvas(latentHeight, latentWidth)));
        return regions;
    }
}
