using System.Collections.Concurrent;

namespace PortraitBooth.Api.Storage;

/// <summary>Where uploaded identity photos are kept (the worker reads them back when a pack needs φ recomputed).</summary>
public interface IPhotoStore
{
    Task Put(string key, byte[] bytes, CancellationToken cancellationToken = default);
    Task Delete(string key, CancellationToken cancellationToken = default);
}

/// <summary>Where the API reads generated PNGs; null when absent or expired.</summary>
public interface IResultImages
{
    Task<byte[]?> Get(string key, CancellationToken cancellationToken = default);
}

/// <summary>Photos in process memory, for an API used without a worker's stores (lost on restart).</summary>
public sealed class InMemoryPhotoStore : IPhotoStore
{
    private readonly ConcurrentDictionary<string, byte[]> _photos = new(StringComparer.Ordinal);

    public Task Put(string key, byte[] bytes, CancellationToken cancellationToken = default)
    {
        _photos[key] = bytes;
        return Task.CompletedTask;
    }

    public Task Delete(string key, CancellationToken cancellationToken = default)
    {
        _photos.TryRemove(key, out _);
        return Task.CompletedTask;
    }
}

/// <summary>No results anywhere: every image answers 410 (an API used without a worker's result store).</summary>
public sealed class NoResultImages : IResultImages
{
    public Task<byte[]?> Get(string key, CancellationToken cancellationToken = default) => Task.FromResult<byte[]?>(null);
}
