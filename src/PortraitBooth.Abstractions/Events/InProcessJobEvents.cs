using System.Threading.Channels;

namespace PortraitBooth.Abstractions.Events;

/// <summary>
/// <see cref="IJobEvents"/> within one process (embedded mode, tests): a bounded channel per subscriber that drops
/// its oldest event when full, so a stalled follower costs bounded memory and still gets the final event. Kept here,
/// beside the contract, because it needs nothing but the BCL and grains, worker and API all use it.
/// </summary>
public sealed class InProcessJobEvents(int capacityPerSubscriber = 256) : IJobEvents
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, List<Channel<JobEvent>>> _subscribers = new(StringComparer.Ordinal);

    public void Publish(JobEvent jobEvent)
    {
        Channel<JobEvent>[] channels;
        lock (_lock)
        {
            if (!_subscribers.TryGetValue(jobEvent.JobId, out var list)) return;
            channels = [.. list];
        }
        foreach (var channel in channels) channel.Writer.TryWrite(jobEvent); // drop-oldest: never fails while open
    }

    public ValueTask<IJobEventSubscription> Subscribe(string jobId, CancellationToken cancellationToken = default)
    {
        var channel = Channel.CreateBounded<JobEvent>(new BoundedChannelOptions(capacityPerSubscriber)
        {
            FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true,
        });
        lock (_lock)
        {
            if (!_subscribers.TryGetValue(jobId, out var list)) _subscribers[jobId] = list = [];
            list.Add(channel);
        }
        return ValueTask.FromResult<IJobEventSubscription>(new Subscription(this, jobId, channel));
    }

    private void Unsubscribe(string jobId, Channel<JobEvent> channel)
    {
        lock (_lock)
        {
            if (!_subscribers.TryGetValue(jobId, out var list)) return;
            list.Remove(channel);
            if (list.Count == 0) _subscribers.Remove(jobId);
        }
        channel.Writer.TryComplete();
    }

    private sealed class Subscription(InProcessJobEvents owner, string jobId, Channel<JobEvent> channel) : IJobEventSubscription
    {
        public ChannelReader<JobEvent> Events => channel.Reader;

        public ValueTask DisposeAsync()
        {
            owner.Unsubscribe(jobId, channel);
            return ValueTask.CompletedTask;
        }
    }
}
