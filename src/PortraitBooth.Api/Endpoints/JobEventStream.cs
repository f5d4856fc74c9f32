using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading.Channels;
using PortraitBooth.Abstractions;
using PortraitBooth.Abstractions.Events;
using PortraitBooth.Api.Models;

namespace PortraitBooth.Api.Endpoints;

/// <summary>
/// One follower of a job as server-sent events: the snapshot read after subscribing as a first 'progress' event,
/// then one 'progress' per pushed change (every sampling step), then the final state, read from the grain, as an
/// event named after it. Owns <paramref name="subscription"/> and disposes it when the stream ends.
/// </summary>
public sealed class JobEventStream(IGenerationJobGrain job, IJobEventSubscription subscription, TimeSpan recheckInterval, JsonSerializerOptions json)
{
    public async IAsyncEnumerable<SseItem<string>> Follow(JobSnapshot first, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var _ = subscription;
        var current = first;
        if (!current.IsFinished) yield return Item(current, "progress");
        while (!current.IsFinished)
        {
            var pushed = await Next(subscription.Events, cancellationToken);
            if (cancellationToken.IsCancellationRequested) yield break;
            JobSnapshot next;
            if (pushed is null || pushed.IsFinished)
            {
                // An end state (results, timings, error) or nothing pushed for a while: the grain has the truth.
                next = await job.Get() ?? current;
                if (!next.IsFinished && next.Status == current.Status && next.Step <= current.Step) continue;
            }
            else
            {
                next = current with { Status = pushed.Status, Step = pushed.Step, TotalSteps = pushed.TotalSteps };
                if (next.Status == current.Status && next.Step == current.Step) continue;
            }
            current = next;
            if (!current.IsFinished) yield return Item(current, "progress");
        }
        yield return Item(current, GenerationView.StatusName(current.Status));
    }

    private SseItem<string> Item(JobSnapshot snapshot, string eventType) =>
        new(JsonSerializer.Serialize(GenerationView.From(snapshot), json), eventType);

    /// <summary>The next pushed event; null when none came within the recheck interval or the client went away.</summary>
    private async Task<JobEvent?> Next(ChannelReader<JobEvent> events, CancellationToken cancellationToken)
    {
        if (events.TryRead(out var ready)) return ready;
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(recheckInterval);
        try
        {
            return await events.WaitToReadAsync(wait.Token) && events.TryRead(out var pushed) ? pushed : null;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }
}
