namespace PortraitBooth.Worker.Running;

/// <summary>
/// A token bucket: up to <c>burst</c> events at once, then <c>perSecond</c> events per second. A rate of 0 lets
/// every event through. Not thread-safe: its owner serialises calls.
/// </summary>
public sealed class EventBudget(TimeProvider time, double perSecond, int burst)
{
    private double _tokens = Math.Max(1, burst);
    private long _refilledAt = time.GetTimestamp();

    /// <summary>Takes one event's token if there is one (or <paramref name="force"/>: always, leaving the bucket empty).</summary>
    public bool TryTake(bool force = false)
    {
        if (perSecond <= 0) return true;
        var now = time.GetTimestamp();
        _tokens = Math.Min(Math.Max(1, burst), _tokens + time.GetElapsedTime(_refilledAt, now).TotalSeconds * perSecond);
        _refilledAt = now;
        if (_tokens < 1 && !force) return false;
        _tokens = Math.Max(0, _tokens - 1);
        return true;
    }
}
