using System.Collections.Concurrent;
using Orleans.Storage;

namespace PortraitBooth.Grains.Tests;

/// <summary>
/// The silos' grain storage in tests: Orleans' memory storage, except that a test can make the next writes of one
/// grain fail, as a state store that is briefly unreachable would (a Redis restart in production).
/// </summary>
public sealed class FaultInjectingStorage(IGrainStorage inner) : IGrainStorage
{
    private static readonly ConcurrentDictionary<GrainId, int> FailingWrites = new();

    /// <summary>The next <paramref name="count"/> writes of this grain's state throw.</summary>
    public static void FailNextWrites(GrainId grainId, int count) => FailingWrites[grainId] = count;

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        inner.ReadStateAsync(stateName, grainId, grainState);

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (FailingWrites.TryGetValue(grainId, out var left) && left > 0 && FailingWrites.TryUpdate(grainId, left - 1, left))
            throw new InvalidOperationException($"injected storage failure writing {grainId}");
        return inner.WriteStateAsync(stateName, grainId, grainState);
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        inner.ClearStateAsync(stateName, grainId, grainState);
}
