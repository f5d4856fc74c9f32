namespace PortraitBooth.Grains;

/// <summary>
/// Sliding one-minute window of request times. Kept in memory only: losing it on deactivation forgets at most a
/// minute of history, which is cheaper than a state write per request.
/// </summary>
public sealed class RequestRateWindow
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private readonly Queue<DateTimeOffset> _times = new();

    /// <summary>Records the request when under <paramref name="perMinute"/>; otherwise returns how long until one fits.</summary>
    public TimeSpan? TryTake(DateTimeOffset now, int perMinute)
    {
        while (_times.Count > 0 && now - _times.Peek() >= Window) _times.Dequeue();
        if (_times.Count >= perMinute)
            return _times.Count == 0 ? Window : _times.Peek() + Window - now;
        _times.Enqueue(now);
        return null;
    }
}
