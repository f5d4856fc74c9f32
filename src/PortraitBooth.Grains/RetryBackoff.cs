namespace PortraitBooth.Grains;

/// <summary>
/// The delays of a grain's dispatch retries (the job's outbox, the tenant's hand-over of a freed slot): 1 s,
/// doubling to 30 s, back to 1 s after a success.
/// </summary>
internal sealed class RetryBackoff
{
    private static readonly TimeSpan First = TimeSpan.FromSeconds(1), Last = TimeSpan.FromSeconds(30);

    /// <summary>The delay before the next try.</summary>
    public TimeSpan Delay { get; private set; } = First;

    /// <summary>A try failed: the delay to wait now, and the next one doubles.</summary>
    public TimeSpan Failed()
    {
        var delay = Delay;
        Delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, Last.Ticks));
        return delay;
    }

    public void Succeeded() => Delay = First;
}
