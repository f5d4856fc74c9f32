using Spectre.Console;

namespace PortraitBooth.Cli.Platform;

/// <summary>
/// The bench's tables: how many jobs ended how, and where a succeeded job's time went, as consecutive segments of
/// its path whose sum is its total latency (client and server stamps come from one clock: every process runs on this
/// machine); and what each part of the platform spent per job.
/// </summary>
public static class PlatformReport
{
    /// <summary>Consecutive segments of a job's path, in ms: they add up to <see cref="Total"/>.</summary>
    private static readonly IReadOnlyList<(string Name, Func<JobTrace, double> Ms)> Segments =
    [
        ("API: HTTP, key check, validation", t => t.Stamp("created_at")),
        ("grain: admission, state write, broker send", t => t.Stamp("dispatched_at") - t.Stamp("created_at")),
        ("broker: queue, delivery, worker's start call", t => t.Stamp("started_at") - t.Stamp("dispatched_at")),
        ("worker run incl. ONNX", t => t.Stamp("finished_at") - t.Stamp("started_at") - t.Seconds("store_seconds")),
        ("Redis: result write", t => t.Seconds("store_seconds")),
        ("completion: state, tenant, event to client", t => Total(t) - t.Stamp("finished_at")),
    ];

    private static double Total(JobTrace t) => (t.Seen - t.Sent).TotalMilliseconds;

    /// <summary>The latency a job adds to its ONNX work.</summary>
    public static double Added(JobTrace t) => Total(t) - t.Seconds("onnx_seconds");

    public static void Write(IReadOnlyList<JobTrace> traces, TimeSpan wall)
    {
        var succeeded = traces.Where(t => t.Succeeded).ToList();
        var failed = traces.Count(t => t.Status == "failed");
        var counts = new Table().AddColumns("jobs", "succeeded", "failed", "other", "wall s", "jobs/s");
        counts.AddRow(traces.Count.ToString(), succeeded.Count.ToString(), failed.ToString(), (traces.Count - succeeded.Count - failed).ToString(),
            $"{wall.TotalSeconds:F2}", $"{succeeded.Count / wall.TotalSeconds:F1}");
        AnsiConsole.Write(counts);
        if (succeeded.Count == 0) return;

        var table = new Table().AddColumns("where the time goes", "p50 ms", "p99 ms", "mean ms", "share");
        var total = succeeded.Average(Total);
        foreach (var (name, ms) in Segments) AddRow(table, name, succeeded.Select(ms).ToList(), total);
        AddRow(table, "total: submit → succeeded seen", succeeded.Select(Total).ToList(), total);
        AddRow(table, "of which ONNX Run (worker)", succeeded.Select(t => t.Seconds("onnx_seconds")).ToList(), total);
        AddRow(table, "added latency: total − ONNX", succeeded.Select(Added).ToList(), total);
        AnsiConsole.Write(table);
    }

    /// <summary>CPU per job by process, Redis' and the broker's work per job, between two readings.</summary>
    public static void WriteCosts(CostReading before, CostReading after, int jobs)
    {
        string Ms(TimeSpan spent) => $"{spent.TotalMilliseconds / jobs:F2}";
        var table = new Table().AddColumns("cost per job", "value");
        table.AddRow("CPU ms, load generator (this process)", Ms(after.LoadCpu - before.LoadCpu));
        table.AddRow("CPU ms, api silo", Ms(after.ApiCpu - before.ApiCpu));
        table.AddRow("CPU ms, gpu silo (incl. ONNX)", Ms(after.GpuCpu - before.GpuCpu));
        table.AddRow("CPU ms, Redis", $"{(after.RedisCpuSeconds - before.RedisCpuSeconds) * 1000 / jobs:F2}");
        table.AddRow("CPU ms, RabbitMQ", after.BrokerCpu is { } brokerAfter && before.BrokerCpu is { } brokerBefore ? Ms(brokerAfter - brokerBefore) : "n/a (--broker-pid)");
        table.AddRow("CPU ms, server side (api + gpu + Redis + RabbitMQ; target <= 3)", $"{CostReading.ServerCpuMs(before, after, jobs):F2}");
        table.AddRow("KiB sent to Redis (target <= 8 beyond the image)", $"{(after.RedisBytesIn - before.RedisBytesIn) / 1024.0 / jobs:F1}");
        table.AddRow("Redis commands", $"{(double)(after.RedisCommands - before.RedisCommands) / jobs:F1}");
        table.AddRow("messages sent to RabbitMQ (target <= 2)", $"{(after.BrokerMessagesSent - before.BrokerMessagesSent) / jobs:F2}");
        AnsiConsole.Write(table);
    }

    /// <summary>Nearest-rank percentile of <paramref name="values"/>.</summary>
    public static double Percentile(IReadOnlyList<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
    }

    private static void AddRow(Table table, string name, IReadOnlyList<double> ms, double total) =>
        table.AddRow(name, $"{Percentile(ms, 0.5):F3}", $"{Percentile(ms, 0.99):F3}", $"{ms.Average():F3}", $"{ms.Average() / total:P1}");
}
