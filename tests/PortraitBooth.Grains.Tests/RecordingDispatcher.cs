using System.Collections.Concurrent;
using PortraitBooth.Abstractions;

namespace PortraitBooth.Grains.Tests;

/// <summary>The silos' <see cref="IJobDispatcher"/> in tests: records every dispatch, per tenant, in order.</summary>
public sealed class RecordingDispatcher : IJobDispatcher
{
    public static RecordingDispatcher Instance { get; } = new();

    private readonly ConcurrentDictionary<string, ConcurrentQueue<(string JobId, int Attempt)>> _byTenant = new();

    public Task Dispatch(string jobId, string tenantId, int attempt)
    {
        _byTenant.GetOrAdd(tenantId, _ => new()).Enqueue((jobId, attempt));
        return Task.CompletedTask;
    }

    public IReadOnlyList<(string JobId, int Attempt)> Of(string tenantId) =>
        _byTenant.TryGetValue(tenantId, out var queue) ? queue.ToList() : [];
}
