using System.Diagnostics;
using PortraitBooth.Testing;

namespace PortraitBooth.Distributed.Tests;

/// <summary>
/// Stops and starts the test Redis or RabbitMQ through scripts/lib/services.sh (<c>test_service</c>): same port, same
/// data folder. The project's tests run one after another (DistributedCluster.cs), so a restart never hits another
/// test. Disposing starts the service again if the test stopped it and failed before starting it.
/// </summary>
public sealed class ServiceRestart(string service) : IAsyncDisposable
{
    private bool _stopped;

    public async Task Stop()
    {
        _stopped = true;
        await Run($"test_service stop {service}", TimeSpan.FromSeconds(60));
    }

    public async Task Start()
    {
        await Run($"test_service start {service}", TimeSpan.FromSeconds(120));
        _stopped = false;
    }

    /// <summary>Messages of a queue of the test broker: ready (not delivered), or another list_queues column such as messages_unacknowledged.</summary>
    public static async Task<int> QueueDepth(string queue, string column = "messages_ready") =>
        int.Parse((await Run($"test_queue_depth {queue} {column}", TimeSpan.FromSeconds(40))).Trim());

    /// <summary>Drops the messages of a queue of the test broker (left by an aborted run).</summary>
    public static Task Purge(string queue) => Run($"test_queue_purge {queue}", TimeSpan.FromSeconds(40));

    public async ValueTask DisposeAsync()
    {
        if (_stopped) await Start();
    }

    private static async Task<string> Run(string command, TimeSpan timeout)
    {
        var script = Path.Combine(SharedData.RepoRoot, "scripts", "lib", "services.sh");
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "-c", $"source \"$0\" && {command}", script }) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'{command}' did not finish within {timeout.TotalSeconds:F0} s: {await error}");
        }
        if (process.ExitCode != 0) throw new InvalidOperationException($"'{command}' exited with {process.ExitCode}: {await output}\n{await error}");
        return await output;
    }
}
