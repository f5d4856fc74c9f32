using MassTransit;
using PortraitBooth.Abstractions;
using PortraitBooth.Abstractions.Messages;

namespace PortraitBooth.Worker.Messaging;

/// <summary>
/// The grains' <see cref="IJobDispatcher"/> over MassTransit (in-memory transport embedded, RabbitMQ distributed).
/// Jobs are sent to the job queue rather than published: on RabbitMQ that declares the durable queue, so a job sent
/// before any gpu silo has started waits there instead of being dropped by an exchange with no queue bound.
/// </summary>
public sealed class MassTransitJobDispatcher(IBus bus) : IJobDispatcher
{
    private static readonly Uri Queue = new($"queue:{JobQueueOptions.QueueName}");

    /// <summary>MassTransit waits for a broker that is down instead of failing: bounded, so the job grain's outbox retries.</summary>
    private static readonly TimeSpan SendTimeout = TimeSpan.FromSeconds(5);

    public async Task Dispatch(string jobId, string tenantId, int attempt)
    {
        using var timeout = new CancellationTokenSource(SendTimeout);
        var endpoint = await bus.GetSendEndpoint(Queue);
        await endpoint.Send(new GeneratePortrait(jobId, tenantId, attempt), timeout.Token);
    }
}
