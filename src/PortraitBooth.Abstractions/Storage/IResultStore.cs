namespace PortraitBooth.Abstractions.Storage;

/// <summary>
/// Generated PNGs by tenant-scoped key (<see cref="StoreKeys.Result"/>), each kept for a time to live: the worker
/// puts them, the API serves them (null when absent or expired).
/// </summary>
public interface IResultStore
{
    Task Put(string key, byte[] png, TimeSpan timeToLive, CancellationToken cancellationToken = default);
    Task<byte[]?> Get(string key, CancellationToken cancellationToken = default);
    Task Delete(string key, CancellationToken cancellationToken = default);
}
