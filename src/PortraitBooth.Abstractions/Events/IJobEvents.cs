using System.Threading.Channels;

namespace PortraitBooth.Abstractions.Events;

/// <summary>
/// Job progress pushed to whoever follows a job (the API's events stream). The worker publishes every sampling step,
/// the job grain every transition. Events are advisory: the job grain stays the truth, so a follower that misses
/// one loses nothing it cannot read back. In-process (<see cref="InProcessJobEvents"/>) when embedded, Redis
/// pub/sub when distributed.
/// </summary>
public interface IJobEvents
{
    /// <summary>Never blocks (sampling calls it per step): implementations buffer or send fire-and-forget.</summary>
    void Publish(JobEvent jobEvent);

    /// <summary>Every event of <paramref name="jobId"/> published after this returns, until the subscription is disposed.</summary>
    ValueTask<IJobEventSubscription> Subscribe(string jobId, CancellationToken cancellationToken = default);
}

/// <summary>One follower's events, in publishing order; a slow reader loses the oldest, never the newest.</summary>
public interface IJobEventSubscription : IAsyncDisposable
{
    ChannelReader<JobEvent> Events { get; }
}
