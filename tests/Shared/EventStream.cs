using System.Net;
using System.Net.ServerSentEvents;
using System.Text.Json;

namespace PortraitBooth.Testing;

/// <summary>The job events stream (<c>GET /v1/generations/{id}/events</c>) as the in-process and distributed tests read it.</summary>
internal static class EventStream
{
    /// <summary>Follows the job's server-sent events to the end (the server closes the stream after the final one).</summary>
    public static async Task<List<(string Type, JsonElement Data)>> Follow(HttpClient client, string jobId, CancellationToken cancellationToken)
    {
        using var response = await client.GetAsync($"/v1/generations/{jobId}/events", HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var events = new List<(string, JsonElement)>();
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        await foreach (var item in SseParser.Create(stream).EnumerateAsync(cancellationToken))
            events.Add((item.EventType, JsonDocument.Parse(item.Data).RootElement.Clone()));
        return events;
    }
}
