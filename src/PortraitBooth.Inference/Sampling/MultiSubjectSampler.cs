using PortraitBooth.Inference.Conditioning;
using PortraitBooth.Inference.Onnx;
using PortraitBooth.Inference.Packs;
using PortraitBooth.Inference.Scheduling;

namespace PortraitBooth.Inference.Sampling;

/// <summary>
/// MultiDiffusion on one latent: the subjects' regions (own fused identity row each) and the background
/// (1 − Σ subject masks, plain conditioning; left out where it covers nothing). Per step every region's guided
/// prediction ε_u + g(ε_r − ε_u) is blended by the masks and ONE scheduler step is taken on the blend.
/// Batched, a step is one U-Net call (chunked above the batch limit): regions + 1 rows sharing the
/// unconditional pass, or 2 × regions while bootstrapping, when each subject's input differs.
/// </summary>
internal sealed class MultiSubjectSampler(ModelPack pack, int unetBatchLimit)
{
    private sealed record Region(float[] Mask, float[] Conditioning, int Subject);

    public void Sample(GenerationRequest request, IReadOnlyList<SubjectBox> boxes, SubjectConditioning conditioning,
        float[] unconditional, IDiffusionScheduler scheduler, float[] latent, int latentHeight, int latentWidth,
        OnnxTimer timer, UnetUsage usage, IProgress<SamplingProgress>? progress, CancellationToken cancellationToken)
    {
        var regions = Regions(boxes, conditioning, latentHeight, latentWidth);
        var masks = regions.Select(r => r.Mask).ToList();
        var bootstrapSteps = (int)Math.Round(request.BootstrapFraction * request.Steps);
        var background = bootstrapSteps > 0 ? BootstrapBackground.Encode(pack, boxes.Count, request.Seed, latentHeight, latentWidth, timer) : null;
        var inputs = regions.Select(r => r.Subject >= 0 ? new float[latent.Length] : latent).ToList();
        var outputs = Enumerable.Range(0, 2 * regions.Count).Select(_ => new float[latent.Length]).ToList();
        var guided = regions.Select(_ => new float[latent.Length]).ToList();
        var blend = new float[latent.Length];
        var sequential = request.Cfg == CfgMode.Sequential;
        using var unet = new UnetRows(pack, latentHeight, latentWidth, unetBatchLimit, timer, usage);

        for (var step = 0; step < request.Steps; step++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var rows = new List<UnetRow>();
            var (unconditionalRow, conditionalRow) = (new int[regions.Count], new int[regions.Count]);
            var shared = step >= bootstrapSteps && !sequential;
            if (shared) rows.Add(new UnetRow(latent, unconditional));
            for (var r = 0; r < regions.Count; r++)
            {
                var input = latent;
                if (step < bootstrapSteps && regions[r].Subject >= 0)
                {
                    background!.Compose(latent, regions[r].Mask, regions[r].Subject, scheduler.Sigmas[step], inputs[r]);
                    input = inputs[r];
                }
                unconditionalRow[r] = shared ? 0 : rows.Count;
                if (!shared) rows.Add(new UnetRow(input, unconditional));
                conditionalRow[r] = rows.Count;
                rows.Add(new UnetRow(input, regions[r].Conditioning));
            }
            unet.Run(rows, sequential ? 2 : rows.Count, scheduler.InputScale(step), scheduler.Timesteps[step], outputs);
            for (var r = 0; r < regions.Count; r++)
                GuidedUnet.Guide(outputs[unconditionalRow[r]], outputs[conditionalRow[r]], request.Guidance, guided[r]);
            RegionBlend.Blend(guided, masks, blend);
            scheduler.Step(blend, step, latent);
            progress?.Report(new SamplingProgress(step + 1, request.Steps, scheduler.Timesteps[step]));
        }
    }

    private List<Region> Regions(IReadOnlyList<SubjectBox> boxes, SubjectConditioning conditioning, int latentHeight, int latentWidth)
    {
        var vaeScale = pack.Manifest.Latent.VaeScale;
        var regions = boxes
            .Select((box, k) => new Region(RegionMasks.Subject(box, latentHeight, latentWidth, vaeScale), conditioning.Subjects[k], k))
            .ToList();
        var background = RegionMasks.Background(regions.Select(r => r.Mask).ToList());
        if (background.Any(m => m > 0)) regions.Add(new Region(background, conditioning.Plain, -1));
        return regions;
    }
}
