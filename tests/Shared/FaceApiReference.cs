using System.Diagnostics;

namespace PortraitBooth.Testing;

/// <summary>
/// The fetched face-api weights (.tools/face-api, from scripts/fetch-face-api.sh) and face-api's own TF.js networks
/// under Node (tests/reference/face-api). Missing pieces fail the test in CI and skip it elsewhere with the reason.
/// </summary>
internal static class FaceApiReference
{
    public static string ModelDirectory => RequireDirectory(Path.Combine(SharedData.RepoRoot, ".tools", "face-api", "model"),
        "face-api weights not fetched: run scripts/fetch-face-api.sh");

    /// <summary>The package's demo group photos (sample1.jpg … sample6.jpg).</summary>
    public static string SamplePhoto(int number) => Path.Combine(RequireDirectory(
        Path.Combine(SharedData.RepoRoot, ".tools", "face-api", "demo"), "face-api samples not fetched: run scripts/fetch-face-api.sh"),
        $"sample{number}.jpg");

    public static string ScriptDirectory => Path.Combine(SharedData.RepoRoot, "tests", "reference", "face-api");

    /// <summary>The reference folder with its npm packages installed and the weights fetched (else skip, or fail in CI).</summary>
    public static string InstalledScriptDirectory
    {
        get
        {
            RequireDirectory(Path.Combine(ScriptDirectory, "node_modules", "@vladmandic", "face-api"),
                "the Node reference is not installed: run npm ci in tests/reference/face-api (scripts/test.sh does)");
            _ = ModelDirectory;
            return ScriptDirectory;
        }
    }

    /// <summary>Runs <c>node SCRIPT ARGS</c> in the reference folder; returns stdout, throws with stderr on failure.</summary>
    public static string RunNode(string script, params string[] args)
    {
        var start = new ProcessStartInfo("node") { WorkingDirectory = InstalledScriptDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"node {script} did not finish in 5 minutes");
        }
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"node {script} {string.Join(' ', args)} failed ({process.ExitCode}): {stderr.Result}");
        return stdout.Result;
    }

    private static string RequireDirectory(string path, string reason)
    {
        if (Directory.Exists(path)) return path;
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            Assert.Fail(reason + $" ({path} is missing; required in CI)");
        Assert.Skip(reason + $" ({path} is missing)");
        return path;
    }
}
