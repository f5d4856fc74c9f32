using PortraitBooth.Abstractions.Storage;

namespace PortraitBooth.Worker.Storage;

/// <summary>
/// Results in process memory (embedded mode): expired entries are dropped, and past <paramref name="maxBytes"/> the
/// oldest entries are evicted, so a busy embedded server cannot grow without bound.
/// </summary>
public sealed class MemoryResultStore(long maxBytes, TimeProvider? clock = null) : IResultStore
{
    private sealed record Entry(string Key, byte[] Bytes, DateTimeOffset ExpiresAt);

    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, LinkedListNode<Entry>> _index = [];
    private readonly LinkedList<Entry> _byAge = new(); // oldest first
    private long _bytes;

    public long TotalBytes { get { lock (_lock) return _bytes; } }

    public Task Put(string key, byte[] png, TimeSpan timeToLive, CancellationToken cancellationToken = default)
    {
        StoreKeys.Check(key);
        if (png.Length > maxBytes) throw new ArgumentException($"a result of {png.Length} bytes exceeds the store's {maxBytes} bytes");
        lock (_lock)
        {
            Remove(key);
            _index[key] = _byAge.AddLast(new Entry(key, png, _clock.GetUtcNow() + timeToLive));
            _bytes += png.Length;
            var now = _clock.GetUtcNow();
            foreach (var expired in _byAge.Where(e => e.ExpiresAt <= now).ToList()) Remove(expired.Key);
            while (_bytes > maxBytes) Remove(_byAge.First!.Value.Key);
        }
        return Task.CompletedTask;
    }

    public Task<byte[]?> Get(string key, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (!_index.TryGetValue(key, out var node)) return Task.FromResult<byte[]?>(null);
            if (node.Value.ExpiresAt > _clock.GetUtcNow()) return Task.FromResult<byte[]?>(node.Value.Bytes);
            Remove(key);
            return Task.FromResult<byte[]?>(null);
        }
    }

    public Task Delete(string key, CancellationToken cancellationToken = default)
    {
        lock (_lock) Remove(key);
        return Task.CompletedTask;
    }

    private void Remove(string key)
    {
        if (!_index.Remove(key, out var node)) return;
        _byAge.Remove(node);
        _bytes -= node.Value.Bytes.Length;
    }
}
