using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PortraitBooth.Abstractions;
using PortraitBooth.Abstractions.Events;
using PortraitBooth.Abstractions.Telemetry;
using PortraitBooth.Inference.Conditioning;
using PortraitBooth.Inference.Faces;
using PortraitBooth.Inference.Images;
using PortraitBooth.Inference.Sampling;
using PortraitBooth.Inference.Text;
using PortraitBooth.Abstractions.Storage;
using PortraitBooth.Inference.Packs;
using SixLabors.ImageSharp;

namespace PortraitBooth.Worker.Running;

/// <summary>
/// Runs one attempt of a job: Start on the job grain, φ and fused tokens from the IdentityGrains (computed and
/// stored back on a miss), sampling with progress (every step published) and cancellation, PNGs to the result store, then Complete.
/// Request errors fail the job; anything else propagates, so the message is retried or redelivered.
/// </summary>
public sealed class PortraitJobRunner(
    IGrainFactory grains,
    PackRegistry packs,
    IBlobStore photos,
    IResultStore results,
    IJobEvents events,
    IOptions<PortraitWorkerOptions> options,
    TimeProvider time,
    ILogger<PortraitJobRunner> logger)
{
    /// <param name="attempt">The attempt the message asks for; the job grain numbers the attempt that actually runs.</param>
    /// <param name="finalTry">No retry follows: an unexpected error fails the job (and still propagates, so the message is kept in the error queue).</param>
    public async Task<JobRunOutcome> Run(string jobId, int attempt, CancellationToken cancellationToken = default, bool finalTry = false)
    {
        using var activity = PlatformTracing.Source.StartActivity("run job");
        activity?.SetTag("portraitbooth.job", jobId);
        var job = grains.GetGrain<IGenerationJobGrain>(jobId);
        if (await job.Start(attempt) is not { } started) return JobRunOutcome.Skipped;
        var run = new JobRun(jobId, started, job, (await job.Get())!.Spec);
        activity?.SetTag("portraitbooth.tenant", run.Spec.TenantId);
        activity?.SetTag("portraitbooth.attempt", run.Attempt);
        try
        {
            var (pack, faces, fusedTokens) = await Conditioning(run.Spec);
            var images = await GenerateAndStore(run, pack, faces, fusedTokens, cancellationToken);
            await fusedTokens.SaveNew();
            return await Complete(run, images);
        }
        catch (Exception e)
        {
            // Whatever ends this attempt early, its images would only be orphans until their TTL: the next attempt
            // (if any) stores its own.
            await DeleteResults(run.Keys);
            if (await Abandon(run, e, finalTry, cancellationToken, activity) is { } outcome) return outcome;
            throw;
        }
    }

    /// <summary>One attempt of a job: its grain, the spec and the result keys stored so far.</summary>
    private sealed record JobRun(string JobId, int Attempt, IGenerationJobGrain Job, JobSpec Spec)
    {
        public List<string> Keys { get; } = [];
    }

    /// <summary>What the stored images took: sampling and ONNX time, and the writes to the result store.</summary>
    private readonly record struct StoredImages(double SamplingSeconds, double OnnxSeconds, double StoreSeconds);

    /// <summary>The pack, each identity's φ and its fused tokens, before the first image.</summary>
    private async Task<(InstalledPack Pack, IReadOnlyList<float[]> Faces, IdentityFusedTokens FusedTokens)> Conditioning(JobSpec spec)
    {
        using var _ = PlatformTracing.Source.StartActivity("conditioning");
        var pack = packs.Get(spec.Pack);
        var identities = spec.IdentityIds.Select(id => grains.GetGrain<IIdentityGrain>(IIdentityGrain.Key(spec.TenantId, id))).ToList();
        var faces = await FaceEmbeddings(spec, pack, identities);
        var fusedTokens = await IdentityFusedTokens.Load(identities, pack.FusionId, pack.Pipeline.Check(Request(spec, faces, 0, null)));
        return (pack, faces, fusedTokens);
    }

    /// <summary>Every image of the job, sampled with progress and cancellation and stored as PNG under the attempt's keys.</summary>
    private async Task<StoredImages> GenerateAndStore(JobRun run, InstalledPack pack, IReadOnlyList<float[]> faces,
        IdentityFusedTokens fusedTokens, CancellationToken cancellationToken)
    {
        var spec = run.Spec;
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        double samplingSeconds = 0, onnxSeconds = 0;
        var storing = new Stopwatch();
        var running = new JobEvent(run.JobId, spec.TenantId, JobStatus.Running, Step: 0, TotalSteps: spec.Steps * spec.Count);
        await using var progress = new JobProgressPump(run.Job, run.Attempt, events, running, cancellation,
            new EventBudget(time, options.Value.ProgressEventsPerSecond, options.Value.ProgressEventBurst));
        for (var i = 0; i < spec.Count; i++)
        {
            progress.StartImage(i * spec.Steps);
            var request = Request(spec, faces, i, fusedTokens);
            // Sampling is CPU/GPU-bound and synchronous: keep it off the caller's (possibly Orleans) scheduler.
            using var generated = await Task.Run(() => pack.Pipeline.Generate(request, progress, cancellation.Token), cancellation.Token);
            progress.ImageDone();
            samplingSeconds += generated.Total.TotalSeconds;
            onnxSeconds += generated.OnnxTime.TotalSeconds;
            var key = StoreKeys.Result(spec.TenantId, run.JobId, run.Attempt, i);
            var png = EncodePng(generated.Image);
            storing.Start();
            using (PlatformTracing.Source.StartActivity("store result"))
                await results.Put(key, png, options.Value.ResultTtl, cancellationToken);
            storing.Stop();
            run.Keys.Add(key);
        }
        return new StoredImages(samplingSeconds, onnxSeconds, storing.Elapsed.TotalSeconds);
    }

    /// <summary>Tells the job grain; a completion it drops (another attempt finished first) takes its images away again.</summary>
    private async Task<JobRunOutcome> Complete(JobRun run, StoredImages images)
    {
        var expiresAt = time.GetUtcNow() + options.Value.ResultTtl;
        var result = new JobResult(run.Keys, images.SamplingSeconds, expiresAt, images.OnnxSeconds, images.StoreSeconds);
        if (await run.Job.Complete(run.Attempt, result)) return JobRunOutcome.Succeeded;
        await DeleteResults(run.Keys);
        return JobRunOutcome.Dropped;
    }

    /// <summary>
    /// How an attempt that threw ends: cancelled by the job grain, or failed for a request error, or (on the final
    /// try) failed and rethrown so the message is kept; null: rethrow, the message is retried or redelivered (e.g.
    /// the broker connection dropped and cancelled this attempt).
    /// </summary>
    private async Task<JobRunOutcome?> Abandon(JobRun run, Exception error, bool finalTry, CancellationToken cancellationToken, Activity? activity)
    {
        var (jobId, attempt) = (run.JobId, run.Attempt);
        if (error is OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // The job grain said cancelled (the worker itself is not shutting down): nothing to report back.
            logger.LogInformation("Job {Job} attempt {Attempt}: cancelled while running", jobId, attempt);
            return JobRunOutcome.Cancelled;
        }
        if (IsRequestError(error))
        {
            logger.LogWarning("Job {Job} attempt {Attempt} failed: {Error}", jobId, attempt, error.Message);
            activity?.SetStatus(ActivityStatusCode.Error, error.Message);
            await run.Job.Fail(attempt, error.Message);
            return JobRunOutcome.Failed;
        }
        if (finalTry && !cancellationToken.IsCancellationRequested)
        {
            logger.LogError(error, "Job {Job} attempt {Attempt} failed and will not be retried", jobId, attempt);
            activity?.SetStatus(ActivityStatusCode.Error, error.Message);
            await run.Job.Fail(attempt, "the job failed after its retries: " + error.Message);
        }
        return null;
    }

    /// <summary>Errors that a retry cannot fix: the request (prompt, size, identities, pack, photo) is at fault.</summary>
    public static bool IsRequestError(Exception e) => e is Inference.RequestException;

    private async Task<IReadOnlyList<float[]>> FaceEmbeddings(JobSpec spec, InstalledPack pack, IReadOnlyList<IIdentityGrain> identities)
    {
        var faces = new List<float[]>();
        for (var k = 0; k < identities.Count; k++)
        {
            var identity = identities[k];
            if (await identity.GetEmbedding(pack.FaceEncoderId) is { } cached)
            {
                faces.Add(cached);
                continue;
            }
            var info = await identity.Describe()
                ?? throw new IdentityMissingException($"identity '{spec.IdentityIds[k]}' does not exist");
            var photo = await photos.Get(info.Record.PhotoBlobKey)
                ?? throw new IdentityMissingException($"the photo of identity '{spec.IdentityIds[k]}' is gone");
            var name = spec.IdentityIds[k];
            var embedding = await Task.Run(() =>
            {
                using var image = ImageDecoding.DecodeRgb(photo, name);
                return pack.Embedder.Embed(image, name).Values;
            });
            await identity.PutEmbedding(pack.FaceEncoderId, embedding);
            faces.Add(embedding);
        }
        return faces;
    }

    /// <summary>Image <paramref name="index"/> of the job: the spec's request with its own seed.</summary>
    private static GenerationRequest Request(JobSpec spec, IReadOnlyList<float[]> faces, int index, IdentityFusedTokens? fusedTokens) => new()
    {
        Prompt = spec.Prompt, NegativePrompt = spec.NegativePrompt, Faces = faces, Seed = JobSpecs.Seeds(spec)[index],
        Steps = spec.Steps, Guidance = spec.Guidance, Width = spec.Width, Height = spec.Height, FusedTokens = fusedTokens,
        Boxes = spec.Boxes?.Select(b => new SubjectBox(b.X, b.Y, b.Width, b.Height)).ToList(),
        Expressions = spec.Expressions,
    };

    private static byte[] EncodePng(Image image)
    {
        using var stream = new MemoryStream();
        image.Save(stream, ImageEncoding.Png);
        return stream.ToArray();
    }

    private async Task DeleteResults(IEnumerable<string> keys)
    {
        foreach (var key in keys) await results.Delete(key);
    }

}
