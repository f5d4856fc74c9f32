namespace PortraitBooth.Abstractions.Storage;

/// <summary>
/// Uploaded identity photos by key (<see cref="StoreKeys.Photo"/>), kept until the identity is deleted: the API puts
/// and deletes them, the worker reads them. Plain bytes, so any blob service can implement it.
/// </summary>
public interface IBlobStore
{
    Task Put(string key, byte[] bytes, CancellationToken cancellationToken = default);
    Task<byte[]?> Get(string key, CancellationToken cancellationToken = default);
    Task Delete(string key, CancellationToken cancellationToken = default);
}
