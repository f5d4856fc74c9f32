using System.Collections;
using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using PortraitBooth.Testing;

namespace PortraitBooth.Api.Tests;

/// <summary>
/// The real host with its default telemetry (Prometheus on, no OTLP) plus a tracer provider that keeps every finished
/// span in memory: the host's own source list and propagation decide what is traced, the test only reads it.
/// </summary>
public sealed class TracedHostFixture(GeneratedPacks packs, ConvertedFaceModels faceModels) : HostFixture(packs, faceModels)
{
    public SpanList Spans { get; } = new();

    protected override void Configure(WebApplicationBuilder builder) =>
        builder.Services.AddOpenTelemetry().WithTracing(tracing => tracing.AddInMemoryExporter(Spans));

    /// <summary>Finished spans; the exporter adds from the threads that end them while a test reads.</summary>
    public sealed class SpanList : ICollection<Activity>
    {
        private readonly List<Activity> _spans = [];
        private readonly Lock _lock = new();

        public IReadOnlyList<Activity> Snapshot()
        {
            lock (_lock) return [.. _spans];
        }

        public void Add(Activity item)
        {
            lock (_lock) _spans.Add(item);
        }

        public void Clear()
        {
            lock (_lock) _spans.Clear();
        }

        public int Count
        {
            get { lock (_lock) return _spans.Count; }
        }

        public bool IsReadOnly => false;
        public bool Contains(Activity item) => Snapshot().Contains(item);
        public void CopyTo(Activity[] array, int arrayIndex) => Snapshot().ToList().CopyTo(array, arrayIndex);
        public bool Remove(Activity item)
        {
            lock (_lock) return _spans.Remove(item);
        }
        public IEnumerator<Activity> GetEnumerator() => Snapshot().GetEnumerator();
        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
