using MassTransit;
using PortraitBooth.Abstractions.Messages;
using PortraitBooth.Worker.Running;

namespace PortraitBooth.Worker.Messaging;

/// <summary>
/// Takes a job off the queue. The message is acked only when this returns, i.e. after the job grain has the
/// outcome; a worker that dies mid-job leaves it unacked, and the broker redelivers it to another worker.
/// </summary>
public sealed class GeneratePortraitConsumer(PortraitJobRunner runner) : IConsumer<GeneratePortrait>
{
    public Task Consume(ConsumeContext<GeneratePortrait> context) =>
        runner.Run(context.Message.JobId, context.Message.Attempt, context.CancellationToken);
}
