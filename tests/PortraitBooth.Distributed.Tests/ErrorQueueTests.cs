using System.Net;
using System.Text;
using System.Text.Json;
using PortraitBooth.Testing;
using RabbitMQ.Client;

namespace PortraitBooth.Distributed.Tests;

/// <summary>
/// A poison message (one no worker can process) ends in the job queue's error queue, and the admin listing shows it
/// (job, tenant, the exception MassTransit recorded, when) without taking it off the queue.
/// </summary>
public sealed class ErrorQueueTests(GeneratedPacks packs, ConvertedFaceModels faceModels)
{
    private const string JobQueue = "generate-portrait", ErrorQueue = JobQueue + "_error"; // JobQueueOptions.QueueName

    [Fact]
    public async Task A_message_no_worker_can_read_is_listed_from_the_error_queue_and_stays_there()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = new DistributedCluster(packs, faceModels);
        await ServiceRestart.Purge(ErrorQueue);
        // One silo with both roles; one quick retry, so the message reaches the error queue at once.
        var silo = await cluster.StartSilo("api-gpu", "api,gpu",
            settings: ["--PortraitBooth:JobQueue:RetryLimit=1", "--PortraitBooth:JobQueue:RetryMinInterval=00:00:00.1"]);
        using var admin = DistributedCluster.Admin(silo);
        var before = DateTimeOffset.UtcNow.AddSeconds(-5);

        // A job message as MassTransit sends it, except that its attempt is not a number: it cannot be deserialized.
        var jobId = $"gen_poison_{Guid.NewGuid():N}";
        await SendToJobQueue(JsonSerializer.Serialize(new
        {
            messageId = Guid.NewGuid(),
            messageType = new[] { "urn:message:PortraitBooth.Abstractions.Messages:GeneratePortrait" },
            message = new { jobId, tenantId = "t-poison", attempt = "first" },
        }), ct);

        var listed = await BrokerRestartTests.Poll(() => List(admin), l => l.Any(m => Text(m, "job_id") == jobId), TimeSpan.FromSeconds(60));
        var entry = listed.FirstOrDefault(m => Text(m, "job_id") == jobId);
        Assert.True(entry.ValueKind == JsonValueKind.Object, $"{jobId} not listed: {string.Join(", ", listed)}\n{cluster.Logs()}");
        Assert.Equal("t-poison", Text(entry, "tenant_id"));
        Assert.Equal(JsonValueKind.Null, entry.GetProperty("attempt").ValueKind); // the unreadable field
        // The deserializer's complaint about that field: a string where the number goes.
        Assert.Contains("token type 'String'", Text(entry, "exception"));
        Assert.False(string.IsNullOrEmpty(Text(entry, "exception_type")));
        Assert.InRange(entry.GetProperty("failed_at").GetDateTimeOffset(), before, DateTimeOffset.UtcNow.AddSeconds(5));

        // Listing put it back: the broker holds it ready in the error queue, and a second listing shows it again.
        Assert.Equal(1, await ServiceRestart.QueueDepth(ErrorQueue));
        Assert.Contains(await List(admin), m => Text(m, "job_id") == jobId);
        Assert.Equal(1, await ServiceRestart.QueueDepth(ErrorQueue));

        using var badLimit = await admin.GetAsync("/v1/admin/error-queue?limit=0", ct);
        Assert.Equal(HttpStatusCode.BadRequest, badLimit.StatusCode);
        using var noKey = await DistributedCluster.Client(silo).GetAsync("/v1/admin/error-queue", ct);
        Assert.Equal(HttpStatusCode.Unauthorized, noKey.StatusCode);
        await ServiceRestart.Purge(ErrorQueue);
    }

    private static async Task<List<JsonElement>> List(HttpClient admin) =>
        (await DistributedCluster.Expect(await admin.GetAsync("/v1/admin/error-queue"), HttpStatusCode.OK)).EnumerateArray().ToList();

    private static string? Text(JsonElement message, string name) => message.GetProperty(name).GetString();

    /// <summary>Publishes a raw body to the job queue through the default exchange, persistent, as MassTransit's JSON.</summary>
    private static async Task SendToJobQueue(string body, CancellationToken ct)
    {
        var (_, rabbit) = TestServices.Require();
        await using var connection = await new ConnectionFactory { Uri = new Uri(rabbit) }.CreateConnectionAsync(ct);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: ct);
        var properties = new BasicProperties { ContentType = "application/vnd.masstransit+json", Persistent = true, MessageId = Guid.NewGuid().ToString() };
        await channel.BasicPublishAsync("", JobQueue, mandatory: true, properties, Encoding.UTF8.GetBytes(body), ct);
    }
}
