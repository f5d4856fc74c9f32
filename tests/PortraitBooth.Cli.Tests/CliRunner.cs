using PortraitBooth.Testing;

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
        var result = ChildProcess.Run("dotnet", [Assembly, .. args], Path.GetTempPath(), TimeSpan.FromMinutes(3),
            new Dictionary<string, string> { ["PORTRAITBOOTH_MODELS"] = modelsDirectory });
        return new CliResult(result.ExitCode, result.Stdout, result.Stderr);
    }
}
