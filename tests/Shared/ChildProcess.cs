using System.Diagnostics;

namespace PortraitBooth.Testing;

internal sealed record ChildProcessResult(int ExitCode, string Stdout, string Stderr);

/// <summary>Runs a program to its end with both streams captured; one past <paramref name="timeout"/> is killed and throws.</summary>
internal static class ChildProcess
{
    public static ChildProcessResult Run(string program, IEnumerable<string> args, string workingDirectory, TimeSpan timeout,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(program) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', start.ArgumentList)} did not finish in {timeout.TotalMinutes:F0} minutes");
        }
        return new ChildProcessResult(process.ExitCode, stdout.Result, stderr.Result);
    }
}
