using System.Text.Json;
using System.Threading.Channels;
using PortraitBooth.Abstractions.Events;
using StackExchange.Redis;

namespace PortraitBooth.Host.Distributed;

/// <summary>
/// <see cref="IJobEvents"/> across silos: Redis pub/sub on one channel per job (<c>{prefix}events:{jobId}</c>), not
/// persisted, so any api silo streams a job whose steps a gpu silo publishes. Publishing is fire-and-forget (the
/// sampling loop never waits for Redis); subscribing returns once Redis has confirmed the subscription, so every event
/// published after it is delivered. Each subscriber reads its own bounded channel that drops its oldest event when full.
/// </summary>
public sealed class RedisJobEvents(IConnectionMultiplexer redis, string keyPrefix, ILogger<RedisJobEvents> logger, int capacityPerSubscriber = 256)
    : IJobEvents
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.General);

    public void Publish(JobEvent jobEvent)
    {
        try
        {
            var payload = JsonSerializer.SerializeToUtf8Bytes(jobEvent, Json);
            redis.GetSubscriber().Publish(JobChannel(jobEvent.JobId), payload, CommandFlags.FireAndForget);
        }
        catch (Exception e) when (e is RedisException or ObjectDisposedException)
        {
            // Advisory: the job grain stays the truth and followers re-read it.
            logger.LogDebug(e, "job event of {JobId} not published", jobEvent.JobId);
        }
    }

    public async ValueTask<IJobEventSubscription> Subscribe(string jobId, CancellationToken cancellationToken = default)
    {
        var channel = Channel.CreateBounded<JobEvent>(new BoundedChannelOptions(capacityPerSubscriber)
        {
            FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true, SingleWriter = true,
        });
        // Awaited: Redis has acknowledged SUBSCRIBE when this returns (the multiplexer sends it once per channel).
        var queue = await redis.GetSubscriber().SubscribeAsync(JobChannel(jobId)).WaitAsync(cancellationToken);
        queue.OnMessage(message =>
        {
            JobEvent? jobEvent;
            try
            {
                jobEvent = JsonSerializer.Deserialize<JobEvent>((byte[])message.Message!, Json);
            }
            catch (JsonException e)
            {
                logger.LogWarning(e, "unreadable job event on {Channel}", message.Channel);
                return;
            }
            if (jobEvent is not null && jobEvent.JobId == jobId) channel.Writer.TryWrite(jobEvent);
        });
        return new Subscription(queue, channel);
    }

    private RedisChannel JobChannel(string jobId) => RedisChannel.Literal($"{keyPrefix}events:{jobId}");

    private sealed class Subscription(ChannelMessageQueue queue, Channel<JobEvent> channel) : IJobEventSubscription
    {
        public ChannelReader<JobEvent> Events => channel.Reader;

        public async ValueTask DisposeAsync()
        {
            channel.Writer.TryComplete();
            try
            {
                await queue.UnsubscribeAsync();
            }
            catch (RedisException)
            {
                // the connection is gone, and the subscription with it
            }
        }
    }
}
