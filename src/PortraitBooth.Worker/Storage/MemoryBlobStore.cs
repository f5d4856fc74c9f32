using PortraitBooth.Abstractions.Storage;

using System.Collections.Concurrent;

namespace PortraitBooth.Worker.Storage;

/// <summary>Photos in process memory: for tests and an embedded server whose photos need not survive a restart.</summary>
public sealed class MemoryBlobStore : IBlobStore
{
    private readonly ConcurrentDictionary<string, byte[]> _blobs = new();

    public Task Put(string key, byte[] bytes, CancellationToken cancellationToken = default)
    {
        _blobs[StoreKeys.Check(key)] = bytes;
        return Task.CompletedTask;
    }

    public Task<byte[]?> Get(string key, CancellationToken cancellationToken = default) =>
        Task.FromResult(_blobs.TryGetValue(key, out var bytes) ? bytes : null);

    public Task Delete(string key, CancellationToken cancellationToken = default)
    {
        _blobs.TryRemove(key, out _);
        return Task.CompletedTask;
    }
}
