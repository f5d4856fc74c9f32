namespace PortraitBooth.Testing;

/// <summary>
/// Locates the repository and the read-only <c>../shared</c> folder beside it.
/// In CI (<c>CI=true</c>) a missing shared folder is a failure; elsewhere the test is skipped with the reason.
/// </summary>
internal static class SharedData
{
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string Require(params string[] relative)
    {
        var path = Path.GetFullPath(Path.Combine([RepoRoot, "..", "shared", .. relative]));
        if (File.Exists(path) || Directory.Exists(path)) return path;
        Prerequisites.Missing($"shared data not found at {path} (the project's ../shared folder)");
        return path; // unreachable: Missing throws
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "PortraitBooth.sln"))) return dir.FullName;
        throw new InvalidOperationException("PortraitBooth.sln not found above " + AppContext.BaseDirectory);
    }
}
