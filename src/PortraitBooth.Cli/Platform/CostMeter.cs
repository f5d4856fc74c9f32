using System.Diagnostics;
using System.Globalization;
using StackExchange.Redis;

namespace PortraitBooth.Cli.Platform;

/// <summary>CPU of this process and of Redis, and bytes Redis took in, at one moment.</summary>
public sealed record CostReading(TimeSpan ProcessCpu, double RedisCpuSeconds, long RedisBytesIn)
{
    /// <summary>Per job between two readings: unlike wall-clock numbers, it holds on a shared, loaded machine.</summary>
    public string PerJob(CostReading before, int jobs) =>
        $"cost per job: {(ProcessCpu - before.ProcessCpu).TotalMilliseconds / jobs:F2} ms CPU in this process (silo and clients), " +
        $"{(RedisCpuSeconds - before.RedisCpuSeconds) * 1000 / jobs:F2} ms CPU in Redis, " +
        $"{(RedisBytesIn - before.RedisBytesIn) / 1024.0 / jobs:F1} KiB sent to Redis";
}

public sealed class CostMeter(IServer redis)
{
    public async Task<CostReading> Read()
    {
        var info = (await redis.InfoRawAsync())!.Split('\n')
            .Select(line => line.Trim().Split(':', 2)).Where(pair => pair.Length == 2)
            .ToDictionary(pair => pair[0], pair => pair[1]);
        double Number(string name) => double.Parse(info[name], CultureInfo.InvariantCulture);
        return new CostReading(Process.GetCurrentProcess().TotalProcessorTime,
            Number("used_cpu_user") + Number("used_cpu_sys"), (long)Number("total_net_input_bytes"));
    }
}
