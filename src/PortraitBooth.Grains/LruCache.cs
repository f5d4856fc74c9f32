namespace PortraitBooth.Grains;

/// <summary>A bounded least-recently-used map. Not thread-safe: a grain is single-threaded.</summary>
public sealed class LruCache<TKey, TValue>(int capacity) where TKey : notnull
{
    private readonly Dictionary<TKey, LinkedListNode<KeyValuePair<TKey, TValue>>> _index = [];
    private readonly LinkedList<KeyValuePair<TKey, TValue>> _order = new(); // most recent first

    public int Count => _index.Count;

    public bool TryGet(TKey key, out TValue value)
    {
        if (_index.TryGetValue(key, out var node))
        {
            _order.Remove(node);
            _order.AddFirst(node);
            value = node.Value.Value;
            return true;
        }
        value = default!;
        return false;
    }

    public void Put(TKey key, TValue value)
    {
        if (_index.Remove(key, out var existing)) _order.Remove(existing);
        _index[key] = _order.AddFirst(KeyValuePair.Create(key, value));
        while (_index.Count > capacity)
        {
            var oldest = _order.Last!;
            _order.RemoveLast();
            _index.Remove(oldest.Value.Key);
        }
    }

    public void Clear()
    {
        _index.Clear();
        _order.Clear();
    }

    /// <summary>Entries from least to most recent, so putting them back in this order restores the recency.</summary>
    public IEnumerable<KeyValuePair<TKey, TValue>> OldestFirst()
    {
        for (var node = _order.Last; node is not null; node = node.Previous) yield return node.Value;
    }
}
