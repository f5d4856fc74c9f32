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
        var result = ChildProcess.Run("node", [script, .. args], InstalledScriptDirectory, TimeSpan.FromMinutes(5));
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"node {script} {string.Join(' ', args)} failed ({result.ExitCode}): {result.Stderr}");
        return result.Stdout;
    }

    private static string RequireDirectory(string path, string reason)
    {
        if (Directory.Exists(path)) return path;
        Prerequisites.Missing(reason + $" ({path} is missing)");
        return path;
    }
}
