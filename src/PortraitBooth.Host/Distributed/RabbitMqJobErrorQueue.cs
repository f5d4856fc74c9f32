using System.Text;
using System.Text.Json;
using MassTransit;
using PortraitBooth.Abstractions.Messages;
using PortraitBooth.Worker.Messaging;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace PortraitBooth.Host.Distributed;

/// <summary>
/// Peeks at the job queue's error queue (<c>generate-portrait_error</c>, where MassTransit moves a message that still
/// failed after its retries): takes messages with <c>basic.get</c> without acking them, reads them, then rejects them
/// all with requeue, which puts them back where they were. If this process dies meanwhile, the broker requeues them when
/// the connection drops, so a listing can never lose a message. Its own short-lived connection: admins call this rarely.
/// </summary>
public sealed class RabbitMqJobErrorQueue(DistributedSettings settings) : IJobErrorQueue
{
    public const string QueueName = JobQueueOptions.QueueName + "_error";

    public async Task<IReadOnlyList<FailedJobMessage>> Peek(int max, CancellationToken cancellationToken)
    {
        var factory = new ConnectionFactory { Uri = new Uri(settings.RabbitMq), ClientProvidedName = "portraitbooth-error-queue-peek" };
        await using var connection = await factory.CreateConnectionAsync(cancellationToken);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        try
        {
            await channel.QueueDeclarePassiveAsync(QueueName, cancellationToken);
        }
        catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404)
        {
            return []; // no message has failed yet: MassTransit declares the error queue on the first one
        }

        var listed = new List<FailedJobMessage>();
        ulong lastTag = 0;
        try
        {
            while (listed.Count < max && await channel.BasicGetAsync(QueueName, autoAck: false, cancellationToken) is { } message)
            {
                lastTag = message.DeliveryTag;
                listed.Add(Read(message));
            }
        }
        finally
        {
            if (lastTag > 0) await channel.BasicNackAsync(lastTag, multiple: true, requeue: true, CancellationToken.None);
        }
        return listed;
    }

    private static FailedJobMessage Read(BasicGetResult message)
    {
        var headers = message.BasicProperties.Headers ?? new Dictionary<string, object?>();
        string? Header(string name) => headers.TryGetValue(name, out var value) ? value switch
        {
            byte[] bytes => Encoding.UTF8.GetString(bytes),
            null => null,
            _ => value.ToString(),
        } : null;

        var (jobId, tenantId, attempt) = ReadBody(message.Body.Span);
        var failedAt = DateTimeOffset.TryParse(Header(MessageHeaders.FaultTimestamp), out var at) ? at : (DateTimeOffset?)null;
        return new FailedJobMessage(message.BasicProperties.MessageId, jobId, tenantId, attempt,
            Header(MessageHeaders.FaultExceptionType), Header(MessageHeaders.FaultMessage), failedAt);
    }

    /// <summary>The job the message names, from MassTransit's JSON envelope; whatever part cannot be read stays null.</summary>
    private static (string? JobId, string? TenantId, int? Attempt) ReadBody(ReadOnlySpan<byte> body)
    {
        try
        {
            using var envelope = JsonDocument.Parse(body.ToArray());
            if (!envelope.RootElement.TryGetProperty("message", out var job) || job.ValueKind != JsonValueKind.Object) return default;
            string? Text(string name) => job.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            int? attempt = job.TryGetProperty("attempt", out var a) && a.ValueKind == JsonValueKind.Number && a.TryGetInt32(out var n) ? n : null;
            return (Text("jobId"), Text("tenantId"), attempt);
        }
        catch (JsonException)
        {
            return default;
        }
    }
}
