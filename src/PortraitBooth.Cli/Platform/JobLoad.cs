using System.Net;
using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using System.Text.Json;

namespace PortraitBooth.Cli.Platform;

/// <summary>
/// One job as the client saw it (sent, accepted, final state seen on its events stream) with the server's stamps
/// from that final state; <see cref="Error"/> when it did not end as succeeded.
/// </summary>
public sealed record JobTrace(DateTimeOffset Sent, DateTimeOffset Accepted, DateTimeOffset Seen, string Status, JsonElement? Timings, string? Error)
{
    public bool Succeeded => Status == "succeeded" && Timings is not null;

    public double Stamp(string name) => Timings!.Value.GetProperty(name).GetDateTimeOffset().Subtract(Sent).TotalMilliseconds;

    public double Seconds(string name) => Timings!.Value.GetProperty(name).GetDouble() * 1000;
}

/// <summary>
/// Submits jobs over HTTP with a fixed number in flight: each of <c>concurrency</c> clients posts a job, follows its
/// server-sent events until the final one, then posts the next, so a job's latency is what a client waiting for it sees.
/// </summary>
public sealed class JobLoad(HttpClient client, object body)
{
    public async Task<IReadOnlyList<JobTrace>> Run(int jobs, int concurrency, CancellationToken cancellationToken)
    {
        var traces = new JobTrace[jobs];
        var next = -1;
        async Task Client()
        {
            for (var i = Interlocked.Increment(ref next); i < jobs; i = Interlocked.Increment(ref next))
            {
                var sent = DateTimeOffset.UtcNow;
                try
                {
                    traces[i] = await One(sent, cancellationToken);
                }
                catch (Exception e) when (e is HttpRequestException or IOException or JsonException)
                {
                    traces[i] = new JobTrace(sent, sent, DateTimeOffset.UtcNow, "error", null, e.Message);
                }
            }
        }
        await Task.WhenAll(Enumerable.Range(0, Math.Min(jobs, concurrency)).Select(_ => Task.Run(Client, cancellationToken)));
        return traces;
    }

    private async Task<JobTrace> One(DateTimeOffset sent, CancellationToken cancellationToken)
    {
        using var submitted = await client.PostAsJsonAsync("/v1/generations", body, BenchCluster.Json, cancellationToken);
        var accepted = DateTimeOffset.UtcNow;
        var answer = await submitted.Content.ReadAsStringAsync(cancellationToken);
        if (submitted.StatusCode != HttpStatusCode.Accepted)
            return new JobTrace(sent, accepted, accepted, "refused", null, $"submit answered {(int)submitted.StatusCode}: {answer}");
        var jobId = JsonDocument.Parse(answer).RootElement.GetProperty("id").GetString()!;

        using var stream = await client.GetAsync($"/v1/generations/{jobId}/events", HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (stream.StatusCode != HttpStatusCode.OK)
            return new JobTrace(sent, accepted, DateTimeOffset.UtcNow, "unfollowed", null, $"events of {jobId} answered {(int)stream.StatusCode}");
        SseItem<string>? last = null;
        await foreach (var item in SseParser.Create(await stream.Content.ReadAsStreamAsync(cancellationToken)).EnumerateAsync(cancellationToken))
            last = item;
        var seen = DateTimeOffset.UtcNow;
        if (last is not { } final) return new JobTrace(sent, accepted, seen, "unfollowed", null, $"events of {jobId} ended without a final state");
        var job = JsonDocument.Parse(final.Data).RootElement;
        var status = job.GetProperty("status").GetString()!;
        return new JobTrace(sent, accepted, seen, status, job.GetProperty("timings").Clone(),
            status == "succeeded" ? null : $"{jobId} ended {status}: {job.GetProperty("error")}");
    }
}
