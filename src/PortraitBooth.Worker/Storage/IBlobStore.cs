namespace PortraitBooth.Worker.Storage;

/// <summary>Uploaded identity photos by key (see <see cref="StoreKeys"/>); kept until the identity is deleted.</summary>
public interface IBlobStore
{
    Task Put(string key, byte[] bytes, CancellationToken cancellationToken = default);
    Task<byte[]?> Get(string key, CancellationToken cancellationToken = default);
    Task Delete(string key, CancellationToken cancellationToken = default);
}
