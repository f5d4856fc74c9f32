using System.Diagnostics;

namespace PortraitBooth.Cli.Tests;

public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\nstdout: {Stdout}\nstderr: {Stderr}";

    /// <summary>Bad input: exit code 2 and one line on stderr, "error: …" containing <paramref name="message"/>.</summary>
    public void AssertUsageError(string message)
    {
        Assert.True(ExitCode == 2, ToString());
        Assert.Contains(message, Stderr);
        Assert.Single(Stderr.Trim().Split('\n'));
        Assert.StartsWith("error: ", Stderr);
    }
}

/// <summary>Runs the real <c>portraitbooth</c> executable as a child process, as a user would.</summary>
public static class CliRunner
{
    private static readonly string Assembly = Path.Combine(AppContext.BaseDirectory, "portraitbooth.dll");

    public static CliResult Run(string modelsDirectory, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        start.ArgumentList.Add(Assembly);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["PORTRAITBOOTH_MODELS"] = modelsDirectory;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"portraitbooth {string.Join(' ', args)} did not finish in 3 minutes");
        }
        return new CliResult(process.ExitCode, stdout.Result, stderr.Result);
    }
}
