using PortraitBooth.Inference.Conditioning;
using PortraitBooth.Inference.Onnx;
using PortraitBooth.Inference.Sampling;
using PortraitBooth.Inference.Scheduling;

namespace PortraitBooth.Inference.Tests.Sampling;

public sealed class MultiSubjectSamplingTests(PipelineFixture fixture) : IClassFixture<PipelineFixture>
{
    private const string TwoPeople = "a photo of a man and a woman at the beach";

    private GenerationRequest TwoSubjects() => fixture.Request(TwoPeople, fixture.SyntheticFace(1), fixture.SyntheticFace(2));

    [Fact]
    public void One_subject_with_a_full_canvas_box_equals_single_subject_sampling()
    {
        var single = fixture.Request("a portrait photo of a man", fixture.SyntheticFace(3));
        var fullCanvas = single with { Boxes = [new SubjectBox(0, 0, single.Width, single.Height)] };
        using var expected = fixture.Pipeline.Generate(single);
        using var multi = fixture.Pipeline.Generate(fullCanvas);

        // No background region: bootstrapping or not, the one region's two rows are the single-subject batch.
        Assert.Equal(Enumerable.Repeat(2, single.Steps), multi.Unet.Batches);
        var difference = Differences.MaxAbs(expected.Latent, multi.Latent);
        TestContext.Current.TestOutputHelper?.WriteLine($"max |single − full-canvas multi| latent = {difference:E2}");
        Assert.True(difference <= 1e-4, $"latents differ by {difference}");
    }

    [Fact]
    public void Two_subjects_run_end_to_end_with_one_unet_call_per_step_and_window_size_of_the_described_batch_sizes()
    {
        var request = TwoSubjects();
        using var result = fixture.Pipeline.Generate(request);

        // Regions: two subjects and the background. Each subject's rows run on its window, 12×16 of the 16×16 latent
        // (its box, a latent pixel more, grown to the tiny pack's multiple of 4); the background's on the canvas.
        // Bootstrapping (round(0.4 · 12) = 5 steps): canvas [u, c_bg], windows [u_1, c_1, u_2, c_2]; then the shared
        // unconditional row: canvas [u, c_bg], windows [c_1, c_2].
        int[] expected = [.. Enumerable.Repeat(new[] { 2, 4 }, 5).SelectMany(b => b), .. Enumerable.Repeat(new[] { 2, 2 }, request.Steps - 5).SelectMany(b => b)];
        Assert.Equal(expected, result.Unet.Batches);
        Assert.Equal(Enumerable.Repeat(new[] { (16, 16), (16, 12) }, request.Steps).SelectMany(s => s), result.Unet.Sizes);
        // Other ONNX runs: text encoder for prompt and negative, one fuse run, one VAE encode per subject, one decode.
        Assert.Equal(2 * request.Steps + 2 + 1 + 2 + 1, result.OnnxCalls);
        Assert.Equal((request.Width, request.Height), (result.Image.Width, result.Image.Height));
        Assert.All(result.Latent, value => Assert.True(float.IsFinite(value)));
    }

    [Fact]
    public void The_result_is_reproducible_and_depends_on_which_face_is_in_which_region()
    {
        using var first = fixture.Pipeline.Generate(TwoSubjects());
        using var again = fixture.Pipeline.Generate(TwoSubjects());
        using var swapped = fixture.Pipeline.Generate(TwoSubjects() with { Faces = [fixture.SyntheticFace(2), fixture.SyntheticFace(1)] });
        Assert.Equal(first.Latent, again.Latent);
        Assert.NotEqual(first.Latent, swapped.Latent);
    }

    [Fact]
    public void Batched_equals_one_call_per_region_and_chunking_above_the_batch_limit()
    {
        var request = TwoSubjects();
        using var batched = fixture.Pipeline.Generate(request);
        using var sequential = fixture.Pipeline.Generate(request with { Cfg = CfgMode.Sequential });
        var limited = new PortraitPipeline(fixture.Pack, fixture.Pipeline.Tokenizer, new SamplingLimits(UnetBatchLimit: 3));
        using var chunked = limited.Generate(request);

        // Sequential: the same rows, one call per region (and the shared unconditional row alone).
        Assert.Equal([.. Enumerable.Repeat(new[] { 2, 2, 2 }, 5).SelectMany(b => b), .. Enumerable.Repeat(new[] { 1, 1, 1, 1 }, request.Steps - 5).SelectMany(b => b)],
            sequential.Unet.Batches);
        Assert.Equal([.. Enumerable.Repeat(new[] { 2, 3, 1 }, 5).SelectMany(b => b), .. Enumerable.Repeat(new[] { 2, 2 }, request.Steps - 5).SelectMany(b => b)],
            chunked.Unet.Batches);
        var (toSequential, toChunked) = (Differences.MaxAbs(batched.Latent, sequential.Latent), Differences.MaxAbs(batched.Latent, chunked.Latent));
        TestContext.Current.TestOutputHelper?.WriteLine($"max |batched − sequential| = {toSequential:E2}, |batched − chunked| = {toChunked:E2}");
        Assert.True(toSequential <= 1e-4, $"sequential differs by {toSequential}");
        Assert.True(toChunked <= 1e-4, $"chunked differs by {toChunked}");
    }

    [Fact]
    public void Bootstrapping_changes_the_result_and_without_it_every_step_shares_the_unconditional_row()
    {
        using var bootstrapped = fixture.Pipeline.Generate(TwoSubjects());
        using var plain = fixture.Pipeline.Generate(TwoSubjects() with { BootstrapFraction = 0 });
        Assert.Equal(Enumerable.Repeat(2, plain.Unet.Calls), plain.Unet.Batches); // per step: canvas [u, c_bg], windows [c_1, c_2]
        Assert.NotEqual(bootstrapped.Latent, plain.Latent);
    }

    [Fact]
    public void The_scheduler_steps_exactly_once_per_timestep_in_order()
    {
        var request = TwoSubjects();
        var manifest = fixture.Pack.Manifest;
        var scheduler = new RecordingScheduler(SchedulerFactory.Create(manifest.Scheduler, request.Steps));
        var tokens = fixture.Pipeline.Check(request);
        var subjects = fixture.Pipeline.Conditioning.BuildSubjects(tokens, request.Faces);
        var unconditional = fixture.Pipeline.Conditioning.Build("", []);
        var (height, width) = (request.Height / manifest.Latent.VaeScale, request.Width / manifest.Latent.VaeScale);
        var latent = new float[manifest.Latent.Channels * height * width];
        PortraitPipeline.InitialNoise(request.Seed, scheduler.InitNoiseSigma, latent);

        new MultiSubjectSampler(fixture.Pack, unetBatchLimit: 16, new OnnxTimer(), new UnetUsage()).Sample(
            new MultiSubjectSampling(request, SubjectLayout.Regions(request)!, subjects, unconditional.Values, scheduler, latent, height, width),
            null, CancellationToken.None);

        Assert.Equal(Enumerable.Range(0, request.Steps), scheduler.Steps);
    }

    [Fact]
    public void Subject_k_fuses_only_identity_token_k_with_face_k()
    {
        var faces = new[] { fixture.SyntheticFace(1), fixture.SyntheticFace(2) };
        var tokens = fixture.Pipeline.Tokenizer.Tokenize(TwoPeople);
        var conditioning = fixture.Pipeline.Conditioning.BuildSubjects(tokens, faces);
        var plain = new TextEncoder(fixture.Pack).Encode(tokens.ToPadded(fixture.Pack.Manifest.Tokenizer));
        var width = fixture.Pack.Manifest.Stea.TokenWidth;
        var rows = tokens.IdentityTokens.Select(t => t.Index).ToArray();

        Assert.Equal(plain, conditioning.Plain);
        Assert.Equal(2, conditioning.Subjects.Count);
        for (var k = 0; k < 2; k++)
        {
            var expected = plain.ToArray();
            new SteaFusion(fixture.Pack).Apply(expected, [rows[k]], [faces[k]]);
            Assert.Equal(expected, conditioning.Subjects[k]);
            var other = rows[1 - k];
            Assert.True(plain.AsSpan(other * width, width).SequenceEqual(conditioning.Subjects[k].AsSpan(other * width, width)));
            Assert.False(plain.AsSpan(rows[k] * width, width).SequenceEqual(conditioning.Subjects[k].AsSpan(rows[k] * width, width)));
        }
        Assert.Equal(fixture.Pipeline.Conditioning.Build(tokens, faces).Values, conditioning.Fused.Values);
    }

    [Fact]
    public void Cancellation_stops_multi_subject_sampling_between_steps()
    {
        var reported = new List<int>();
        using var cancellation = new CancellationTokenSource();
        var progress = new InlineProgress(p =>
        {
            reported.Add(p.Step);
            if (p.Step == 2) cancellation.Cancel();
        });
        Assert.Throws<OperationCanceledException>(() => fixture.Pipeline.Generate(TwoSubjects(), progress, cancellation.Token));
        Assert.Equal([1, 2], reported);
    }

    /// <summary>The real scheduler, recording which step each Step call names.</summary>
    private sealed class RecordingScheduler(IDiffusionScheduler inner) : IDiffusionScheduler
    {
        public List<int> Steps { get; } = [];
        public IReadOnlyList<double> Timesteps => inner.Timesteps;
        public IReadOnlyList<double> Sigmas => inner.Sigmas;
        public double InitNoiseSigma => inner.InitNoiseSigma;
        public float InputScale(int step) => inner.InputScale(step);

        public void Step(ReadOnlySpan<float> modelOutput, int step, Span<float> sample)
        {
            Steps.Add(step);
            inner.Step(modelOutput, step, sample);
        }
    }
}
