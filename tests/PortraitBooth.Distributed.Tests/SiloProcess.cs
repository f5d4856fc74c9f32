using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace PortraitBooth.Distributed.Tests;

/// <summary>
/// One silo of the real host as its own OS process (<c>dotnet portraitbooth-host.dll</c>), configured on the command
/// line; output goes to a log file that failures quote. Disposing kills it (and its children) if still running.
/// </summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;

    public string Name { get; }
    public Uri BaseAddress { get; }
    public string LogPath { get; }
    public int Pid => _process.Id;
    public bool HasExited => _process.HasExited;

    private SiloProcess(string name, Process process, Uri baseAddress, string logPath, StreamWriter log) =>
        (Name, _process, BaseAddress, LogPath, _log) = (name, process, baseAddress, logPath, log);

    public static SiloProcess Start(string name, IEnumerable<string> configuration, string logFolder)
    {
        var http = FreePort();
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(TestServices.HostDll());
        foreach (var arg in configuration) start.ArgumentList.Add(arg);
        start.ArgumentList.Add($"--urls=http://127.0.0.1:{http}");
        start.ArgumentList.Add($"--PortraitBooth:Silo:Port={FreePort()}");
        start.ArgumentList.Add($"--PortraitBooth:Silo:GatewayPort={FreePort()}");
        start.Environment["DOTNET_gcServer"] = "0"; // three hosts share two cores

        var logPath = Path.Combine(logFolder, name + ".log");
        var log = new StreamWriter(logPath) { AutoFlush = true };
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new SiloProcess(name, process, new Uri($"http://127.0.0.1:{http}"), logPath, log);
    }

    /// <summary>Waits until <c>/health/ready</c> answers 200 (grains, Redis and the broker ready), or fails quoting the log.</summary>
    public async Task WaitReady(TimeSpan timeout)
    {
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var clock = Stopwatch.StartNew();
        var last = "";
        while (clock.Elapsed < timeout)
        {
            if (_process.HasExited) Assert.Fail($"{Name} exited with {_process.ExitCode} while starting:\n{Tail()}");
            try
            {
                using var response = await client.GetAsync("/health/ready");
                last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
                if (response.StatusCode == HttpStatusCode.OK) return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                last = e.Message;
            }
            await Task.Delay(250);
        }
        Assert.Fail($"{Name} not ready after {timeout.TotalSeconds:F0} s (last answer: {last}):\n{Tail()}");
    }

    /// <summary>SIGKILL: no shutdown hook runs, the broker sees the connection drop, Orleans sees the silo stop answering.</summary>
    public void Kill()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true); // Process.Kill sends SIGKILL on Linux
        _process.WaitForExit(10_000);
    }

    public string Tail(int lines = 40)
    {
        try
        {
            using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            var all = new StreamReader(stream).ReadToEnd().Split('\n');
            return string.Join('\n', all.TakeLast(lines));
        }
        catch (IOException e)
        {
            return e.Message;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try { Kill(); } catch (InvalidOperationException) { } // never started
        _process.Dispose();
        await _log.DisposeAsync();
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null) return;
        try
        {
            lock (log) log.WriteLine(line);
        }
        catch (ObjectDisposedException)
        {
            // output that arrives after the test closed the log
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
