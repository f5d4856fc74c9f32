using System.Diagnostics;
using System.Diagnostics.Metrics;
using PortraitBooth.Inference.Diagnostics;
using PortraitBooth.Inference.Sampling;

namespace PortraitBooth.Inference.Tests.Sampling;

/// <summary>
/// The pipeline's meter and activity source, listened to as a host's exporter would. Other test classes sample in
/// parallel on the same static meter, so only measurements made on this test's thread (the pipeline runs on its
/// caller's thread) and spans under this test's own root span count.
/// </summary>
public sealed class PipelineTelemetryTests : IClassFixture<PipelineFixture>, IDisposable
{
    private const string TestSourceName = "PortraitBooth.Inference.Tests";
    private static readonly ActivitySource TestSource = new(TestSourceName);

    private readonly PipelineFixture _fixture;
    private int _thread = -1; // the test's thread, once it starts
    private readonly List<(string Instrument, double Seconds, object? Pack)> _measurements = [];
    private readonly List<Activity> _spans = [];
    private readonly Lock _lock = new();
    private readonly MeterListener _meters = new();
    private readonly ActivityListener _activities;

    public PipelineTelemetryTests(PipelineFixture fixture)
    {
        _fixture = fixture;
        _meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == InferenceTelemetry.SourceName) listener.EnableMeasurementEvents(instrument);
        };
        _meters.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
        {
            if (Environment.CurrentManagedThreadId != Volatile.Read(ref _thread)) return;
            object? pack = null;
            foreach (var tag in tags) if (tag.Key == InferenceTelemetry.PackTag) pack = tag.Value;
            lock (_lock) _measurements.Add((instrument.Name, value, pack));
        });
        _meters.Start();
        _activities = new ActivityListener
        {
            // By name: comparing with TestSource here could create it inside AddActivityListener, unlistened.
            ShouldListenTo = source => source.Name is InferenceTelemetry.SourceName or TestSourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                lock (_lock) _spans.Add(activity);
            },
        };
        ActivitySource.AddActivityListener(_activities);
    }

    [Fact]
    public void Single_subject_sampling_measures_every_step_and_the_image_and_traces_its_phases() =>
        AssertMeasuredAndTraced(_fixture.Request("a portrait photo of a man", _fixture.SyntheticFace(3)));

    [Fact]
    public void Multi_subject_sampling_measures_every_step_and_the_image_and_traces_its_phases() =>
        AssertMeasuredAndTraced(_fixture.Request("a photo of a man and a woman at the beach", _fixture.SyntheticFace(1), _fixture.SyntheticFace(2)));

    [Fact]
    public void Face_analysis_is_measured_and_traced()
    {
        Volatile.Write(ref _thread, Environment.CurrentManagedThreadId);
        using var root = TestSource.StartActivity("test")!;
        using var photo = PipelineFixture.SyntheticPhoto(4);
        _fixture.Embedder.Embed(photo);
        root.Stop();

        var analysis = Assert.Single(Measured(InferenceTelemetry.FaceAnalysisDurationName));
        Assert.True(analysis.Seconds > 0);
        Assert.Equal(_fixture.Pack.Manifest.Name, analysis.Pack);
        Assert.Single(SpansUnder(root), s => s.DisplayName == "face analysis" && s.ParentSpanId == root.SpanId);
    }

    private void AssertMeasuredAndTraced(GenerationRequest request)
    {
        Volatile.Write(ref _thread, Environment.CurrentManagedThreadId);
        using var root = TestSource.StartActivity("test")!;
        using (_fixture.Pipeline.Generate(request)) { }
        root.Stop();

        var steps = Measured(InferenceTelemetry.StepDurationName);
        var image = Assert.Single(Measured(InferenceTelemetry.ImageDurationName));
        Assert.Equal(request.Steps, steps.Count);
        Assert.All(steps, s => Assert.True(s.Seconds > 0));
        Assert.All([.. steps, image], m => Assert.Equal(_fixture.Pack.Manifest.Name, m.Pack));
        Assert.True(image.Seconds > steps.Sum(s => s.Seconds), "an image's time holds all its steps and more");

        var spans = SpansUnder(root);
        var generate = Assert.Single(spans, s => s.DisplayName == "generate image" && s.ParentSpanId == root.SpanId);
        Assert.Equal(request.Steps, generate.GetTagItem("portraitbooth.steps"));
        // The phases in order, each inside the image's span.
        var phases = spans.Where(s => s.ParentSpanId == generate.SpanId).OrderBy(s => s.StartTimeUtc).Select(s => s.DisplayName);
        Assert.Equal(["encode prompt", "sampling", "decode"], phases);
    }

    private List<(string Instrument, double Seconds, object? Pack)> Measured(string instrument)
    {
        lock (_lock) return _measurements.Where(m => m.Instrument == instrument).ToList();
    }

    private List<Activity> SpansUnder(Activity root)
    {
        lock (_lock) return _spans.Where(s => s.TraceId == root.TraceId && s != root).ToList();
    }

    public void Dispose()
    {
        _meters.Dispose();
        _activities.Dispose();
    }
}
