using MassTransit;
using Microsoft.Extensions.Options;

namespace PortraitBooth.Worker.Messaging;

/// <summary>
/// The job queue's endpoint: named <see cref="JobQueueOptions.QueueName"/>, prefetch and concurrency = capacity, and
/// exponential back-off retries; a message that still fails after them is moved to the <c>_error</c> queue.
/// </summary>
public sealed class GeneratePortraitConsumerDefinition : ConsumerDefinition<GeneratePortraitConsumer>
{
    private readonly JobQueueOptions _options;

    public GeneratePortraitConsumerDefinition(IOptions<JobQueueOptions> options)
    {
        _options = options.Value;
        EndpointName = JobQueueOptions.QueueName;
        if (_options.Capacity is { } capacity) ConcurrentMessageLimit = capacity;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpoint,
        IConsumerConfigurator<GeneratePortraitConsumer> consumer, IRegistrationContext context)
    {
        if (_options.Capacity is { } capacity) endpoint.PrefetchCount = capacity;
        endpoint.UseMessageRetry(retry => retry.Exponential(_options.RetryLimit, _options.RetryMinInterval,
            _options.RetryMaxInterval, _options.RetryIntervalDelta));
    }
}
