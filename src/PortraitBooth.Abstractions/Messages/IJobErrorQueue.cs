namespace PortraitBooth.Abstractions.Messages;

/// <summary>
/// The job messages the workers gave up on (the broker's error queue), for administrators. Reading never removes
/// them: they stay queued for an operator to move back or drop with the broker's own tools.
/// </summary>
public interface IJobErrorQueue
{
    /// <summary>Up to <paramref name="max"/> messages, oldest first.</summary>
    Task<IReadOnlyList<FailedJobMessage>> Peek(int max, CancellationToken cancellationToken);
}

/// <summary>
/// One message of the error queue: what it asked for (null where the body could not be read, e.g. a message no
/// worker could deserialize) and why it failed, as the transport recorded it.
/// </summary>
public sealed record FailedJobMessage(
    string? MessageId,
    string? JobId,
    string? TenantId,
    int? Attempt,
    string? ExceptionType,
    string? Exception,
    DateTimeOffset? FailedAt);
