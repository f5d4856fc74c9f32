using PortraitBooth.ModelBuilder;

namespace PortraitBooth.Cli;

/// <summary>
/// The generated packs the CLI uses when no --pack is given: <c>models/tiny</c> (and <c>models/mid</c> for
/// benchmarks) under the repository, or under PORTRAITBOOTH_MODELS when set; created on first use.
/// </summary>
public static class DefaultPacks
{
    public const ulong Seed = 20231211;

    public static string ModelsDirectory()
    {
        var configured = Environment.GetEnvironmentVariable("PORTRAITBOOTH_MODELS");
        if (!string.IsNullOrWhiteSpace(configured)) return Path.GetFullPath(configured);
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "PortraitBooth.sln")))
                    return Path.Combine(dir.FullName, "models");
        return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".portraitbooth", "models");
    }

    public static string Ensure(PackKind kind)
    {
        var directory = Path.Combine(ModelsDirectory(), kind.ToString().ToLowerInvariant());
        if (!File.Exists(Path.Combine(directory, Inference.Packs.PackManifest.FileName)))
        {
            Console.Error.WriteLine($"creating the {kind.ToString().ToLowerInvariant()} pack at {directory} (first use)...");
            PackGenerator.Create(kind, float16: false, directory, Seed);
        }
        return directory;
    }
}
