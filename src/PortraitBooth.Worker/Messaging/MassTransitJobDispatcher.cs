using MassTransit;
using PortraitBooth.Abstractions;
using PortraitBooth.Abstractions.Messages;

namespace PortraitBooth.Worker.Messaging;

/// <summary>The grains' <see cref="IJobDispatcher"/> over MassTransit (in-memory transport embedded, RabbitMQ distributed).</summary>
public sealed class MassTransitJobDispatcher(IBus bus) : IJobDispatcher
{
    public Task Dispatch(string jobId, string tenantId, int attempt) => bus.Publish(new GeneratePortrait(jobId, tenantId, attempt));
}
