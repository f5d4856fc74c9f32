using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace PortraitBooth.Cli.Platform;

/// <summary>
/// One silo of the real host as its own OS process (<c>dotnet portraitbooth-host.dll</c> from the CLI's folder), as
/// deployed; its output goes to a log file that a failed start quotes. Disposing kills it if it still runs.
/// </summary>
public sealed class HostProcess : IDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;

    private HostProcess(string role, Process process, Uri address, string logPath, StreamWriter log) =>
        (Role, _process, Address, LogPath, _log) = (role, process, address, logPath, log);

    public string Role { get; }
    public Uri Address { get; }
    public string LogPath { get; }

    /// <summary>CPU the process has used so far (user and system).</summary>
    public TimeSpan Cpu
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    public static HostProcess Start(string role, IEnumerable<string> configuration, string logFolder)
    {
        var http = FreePort();
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "portraitbooth-host.dll"));
        foreach (var arg in configuration) start.ArgumentList.Add(arg);
        start.ArgumentList.Add($"--urls=http://127.0.0.1:{http}");
        start.ArgumentList.Add($"--PortraitBooth:Silo:Port={FreePort()}");
        start.ArgumentList.Add($"--PortraitBooth:Silo:GatewayPort={FreePort()}");

        var logPath = Path.Combine(logFolder, role + ".log");
        var log = new StreamWriter(logPath) { AutoFlush = true };
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new HostProcess(role, process, new Uri($"http://127.0.0.1:{http}"), logPath, log);
    }

    /// <summary>Waits until <c>/health/ready</c> answers 200; fails with the end of its log otherwise.</summary>
    public async Task WaitReady(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(5) };
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (_process.HasExited) throw new InvalidOperationException($"the {Role} silo exited with {_process.ExitCode} while starting (log {LogPath}):\n{Tail()}");
            try
            {
                using var response = await client.GetAsync("/health/ready", cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK) return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                // not listening yet
            }
            await Task.Delay(250, cancellationToken);
        }
        throw new InvalidOperationException($"the {Role} silo was not ready after {timeout.TotalSeconds:F0} s (log {LogPath}):\n{Tail()}");
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
        catch (InvalidOperationException)
        {
            // never started
        }
        _process.Dispose();
        lock (_log) _log.Dispose();
    }

    private string Tail() => string.Join('\n', File.ReadLines(LogPath).TakeLast(20));

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null) return;
        lock (log)
        {
            try { log.WriteLine(line); }
            catch (ObjectDisposedException) { } // output after the bench closed the log
        }
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
