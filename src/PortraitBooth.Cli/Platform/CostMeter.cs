using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using StackExchange.Redis;

namespace PortraitBooth.Cli.Platform;

/// <summary>What each part of the platform has spent up to one moment: CPU by process, Redis' work, broker messages.</summary>
public sealed record CostReading(
    TimeSpan LoadCpu, TimeSpan ApiCpu, TimeSpan GpuCpu, TimeSpan? BrokerCpu,
    double RedisCpuSeconds, long RedisBytesIn, long RedisCommands, double BrokerMessagesSent, double JitCompiledMethods)
{
    /// <summary>
    /// Server-side CPU per job (api + gpu silo + Redis + broker) between two readings; unlike wall-clock numbers it
    /// holds on a shared, loaded machine.
    /// </summary>
    public static double ServerCpuMs(CostReading before, CostReading after, int jobs) =>
        ((after.ApiCpu - before.ApiCpu) + (after.GpuCpu - before.GpuCpu) + ((after.BrokerCpu ?? TimeSpan.Zero) - (before.BrokerCpu ?? TimeSpan.Zero))).TotalMilliseconds / jobs
        + (after.RedisCpuSeconds - before.RedisCpuSeconds) * 1000 / jobs;
}

public static class CostMeter
{
    public static async Task<CostReading> Read(IServer redis, HostProcess api, HostProcess gpu, int? brokerPid)
    {
        var info = (await redis.InfoRawAsync())!.Split('\n')
            .Select(line => line.Trim().Split(':', 2)).Where(pair => pair.Length == 2)
            .ToDictionary(pair => pair[0], pair => pair[1]);
        double Number(string name) => double.Parse(info[name], CultureInfo.InvariantCulture);
        var samples = (await Scrape(api)).Concat(await Scrape(gpu)).ToList();
        return new CostReading(Process.GetCurrentProcess().TotalProcessorTime, api.Cpu, gpu.Cpu, BrokerCpu(brokerPid),
            Number("used_cpu_user") + Number("used_cpu_sys"), (long)Number("total_net_input_bytes"),
            (long)Number("total_commands_processed"), MessagesSent(samples),
            Sum(samples, "dotnet_jit_compiled_methods") + JitInfo.GetCompiledMethodCount());
    }

    /// <summary>Methods the JIT has compiled so far in the silos and this process (the warm-up waits for it to settle).</summary>
    public static async Task<double> JitCompiledMethods(HostProcess api, HostProcess gpu) =>
        Sum((await Scrape(api)).Concat(await Scrape(gpu)).ToList(), "dotnet_jit_compiled_methods") + JitInfo.GetCompiledMethodCount();

    private static TimeSpan? BrokerCpu(int? pid)
    {
        if (pid is not { } id) return null;
        try
        {
            using var process = Process.GetProcessById(id);
            return process.TotalProcessorTime;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return null; // the node is gone
        }
    }

    /// <summary>Messages the silos have sent or published to the broker: MassTransit's send counter.</summary>
    private static double MessagesSent(IReadOnlyList<(string Name, double Value)> samples) =>
        samples.Where(sample => sample.Name.StartsWith("messaging_masstransit_send", StringComparison.Ordinal)
            && !sample.Name.Contains("error", StringComparison.Ordinal) && !sample.Name.Contains("duration", StringComparison.Ordinal)
            && !sample.Name.Contains("active", StringComparison.Ordinal)).Sum(sample => sample.Value);

    private static double Sum(IReadOnlyList<(string Name, double Value)> samples, string name) =>
        samples.Where(sample => sample.Name.StartsWith(name, StringComparison.Ordinal)).Sum(sample => sample.Value);

    /// <summary>The silo's Prometheus samples (name without labels, value).</summary>
    private static async Task<IReadOnlyList<(string Name, double Value)>> Scrape(HostProcess silo)
    {
        using var client = new HttpClient { BaseAddress = silo.Address, Timeout = TimeSpan.FromSeconds(10) };
        var text = await client.GetStringAsync("/metrics");
        return text.Split('\n').Where(line => line.Length > 0 && line[0] != '#').Select(Sample).ToList();
    }

    /// <summary>A text-format sample: the name, then the token after the labels (a timestamp may follow).</summary>
    private static (string Name, double Value) Sample(string line)
    {
        var nameEnd = line.IndexOfAny(['{', ' ']);
        var afterLabels = line[nameEnd] == '{' ? line.IndexOf('}') + 1 : nameEnd;
        var value = line[afterLabels..].Trim().Split(' ')[0];
        return (line[..nameEnd], double.TryParse(value, CultureInfo.InvariantCulture, out var number) ? number : 0);
    }
}
