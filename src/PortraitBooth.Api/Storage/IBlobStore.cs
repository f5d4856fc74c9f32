using System.Collections.Concurrent;

namespace PortraitBooth.Api.Storage;

/// <summary>Bytes by key, optionally expiring: identity photos and generated images. (Interim seam until the worker's stores land.)</summary>
public interface IBlobStore
{
    Task Put(string key, byte[] data, TimeSpan? timeToLive = null, CancellationToken cancellationToken = default);
    Task<byte[]?> Get(string key, CancellationToken cancellationToken = default);
    Task Delete(string key, CancellationToken cancellationToken = default);
}

/// <summary>Process memory; lost on restart (embedded mode).</summary>
public sealed class InMemoryBlobStore(TimeProvider time) : IBlobStore
{
    private readonly ConcurrentDictionary<string, (byte[] Data, DateTimeOffset? Expires)> _blobs = new(StringComparer.Ordinal);

    public Task Put(string key, byte[] data, TimeSpan? timeToLive = null, CancellationToken cancellationToken = default)
    {
        _blobs[key] = (data, timeToLive is { } ttl ? time.GetUtcNow() + ttl : null);
        return Task.CompletedTask;
    }

    public Task<byte[]?> Get(string key, CancellationToken cancellationToken = default)
    {
        if (!_blobs.TryGetValue(key, out var blob)) return Task.FromResult<byte[]?>(null);
        if (blob.Expires is { } expires && expires <= time.GetUtcNow())
        {
            _blobs.TryRemove(key, out _);
            return Task.FromResult<byte[]?>(null);
        }
        return Task.FromResult<byte[]?>(blob.Data);
    }

    public Task Delete(string key, CancellationToken cancellationToken = default)
    {
        _blobs.TryRemove(key, out _);
        return Task.CompletedTask;
    }
}
