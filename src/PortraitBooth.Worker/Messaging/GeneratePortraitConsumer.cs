using MassTransit;
using Microsoft.Extensions.Options;
using PortraitBooth.Abstractions.Messages;
using PortraitBooth.Worker.Running;

namespace PortraitBooth.Worker.Messaging;

/// <summary>
/// Takes a job off the queue. The message is acked only when this returns, i.e. after the images are stored and the
/// job grain has the outcome; a worker that dies mid-job leaves it unacked, and the broker redelivers it to another
/// worker (the job grain numbers that as a new attempt). On the last retry an unexpected error fails the job.
/// </summary>
public sealed class GeneratePortraitConsumer(PortraitJobRunner runner, WorkerActivity activity, IOptions<JobQueueOptions> options)
    : IConsumer<GeneratePortrait>
{
    public Task Consume(ConsumeContext<GeneratePortrait> context) =>
        activity.Track(() => runner.Run(context.Message.JobId, context.Message.Attempt, context.CancellationToken,
            finalTry: context.GetRetryAttempt() >= options.Value.RetryLimit));
}
