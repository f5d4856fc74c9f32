using PortraitBooth.Abstractions.Storage;

namespace PortraitBooth.Worker.Storage;

/// <summary>Photos as files under <paramref name="root"/>, one file per key; written to a temporary file, then moved, so a reader never sees half a photo.</summary>
public sealed class FileBlobStore(string root) : IBlobStore
{
    private readonly string _root = Path.GetFullPath(root);

    public async Task Put(string key, byte[] bytes, CancellationToken cancellationToken = default)
    {
        var path = PathOf(key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        await File.WriteAllBytesAsync(temporary, bytes, cancellationToken);
        File.Move(temporary, path, overwrite: true);
    }

    public async Task<byte[]?> Get(string key, CancellationToken cancellationToken = default)
    {
        var path = PathOf(key);
        try
        {
            return await File.ReadAllBytesAsync(path, cancellationToken);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    public Task Delete(string key, CancellationToken cancellationToken = default)
    {
        File.Delete(PathOf(key));
        return Task.CompletedTask;
    }

    private string PathOf(string key) => Path.Combine(_root, StoreKeys.Check(key).Replace('/', Path.DirectorySeparatorChar));
}
