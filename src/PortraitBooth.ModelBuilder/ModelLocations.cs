using PortraitBooth.Inference.Faces;
using PortraitBooth.Inference.Packs;
using PortraitBooth.ModelBuilder.FaceApi;

namespace PortraitBooth.ModelBuilder;

/// <summary>
/// Where the CLI and the host find what they were not told:  generated packs (<c>models/tiny</c>,
/// <c>models/mid</c>) and converted face models (<c>models/face</c>) under the repository's <c>models/</c> (or
/// PORTRAITBOOTH_MODELS), and face-api's fetched weights under <c>.tools/face-api</c> (or PORTRAITBOOTH_FACE_API).
/// Packs and face models are created on first use.
/// </summary>
public static class ModelLocations
{
    public const ulong DefaultSeed = 20231211;

    public static string? RepoRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "PortraitBooth.sln"))) return dir.FullName;
        return null;
    }

    public static string ModelsDirectory() =>
        FromEnvironment("PORTRAITBOOTH_MODELS")
        ?? (RepoRoot() is { } root ? Path.Combine(root, "models") : Path.Combine(UserHome(), "models"));

    public static string FaceApiDirectory() =>
        FromEnvironment("PORTRAITBOOTH_FACE_API")
        ?? (RepoRoot() is { } root ? Path.Combine(root, ".tools", "face-api") : Path.Combine(UserHome(), "face-api"));

    /// <summary>face-api's own JS pipeline (tests/reference/face-api), which only a source checkout has.</summary>
    public static string FaceApiReferenceDirectory() =>
        RepoRoot() is { } root ? Path.Combine(root, "tests", "reference", "face-api")
            : throw new DirectoryNotFoundException("face-api's JS reference lives in the source checkout (tests/reference/face-api); run from the repository");

    private static readonly Lock Creating = new();

    /// <summary>The generated pack of <paramref name="kind"/> under <see cref="ModelsDirectory"/>, created on first use.</summary>
    public static string EnsurePack(PackKind kind, Action<string>? log = null) =>
        EnsurePack(kind, Path.Combine(ModelsDirectory(), kind.ToString().ToLowerInvariant()), log);

    /// <summary>The generated pack of <paramref name="kind"/> in <paramref name="directory"/>, created there on first use.</summary>
    public static string EnsurePack(PackKind kind, string directory, Action<string>? log = null)
    {
        lock (Creating)
        {
            if (!File.Exists(Path.Combine(directory, PackManifest.FileName)))
            {
                (log ?? Console.Error.WriteLine)($"creating the {kind.ToString().ToLowerInvariant()} pack at {directory} (first use)...");
                if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
                PackGenerator.Create(kind, float16: false, directory, DefaultSeed);
            }
            return directory;
        }
    }

    /// <summary>face-api's networks converted to ONNX under <see cref="ModelsDirectory"/>, converted on first use.</summary>
    /// <exception cref="DirectoryNotFoundException">Not converted, and face-api's weights are not fetched.</exception>
    public static string EnsureFaceModels(Action<string>? log = null) =>
        EnsureFaceModels(Path.Combine(ModelsDirectory(), "face"), log);

    public static string EnsureFaceModels(string directory, Action<string>? log = null)
    {
        lock (Creating)
        {
            if (FaceModels.StaleReason(directory) is not null)
            {
                var source = FaceApiDirectory();
                if (!Directory.Exists(Path.Combine(source, "model")))
                    throw new DirectoryNotFoundException($"the face models are not converted and face-api's weights are not at {source}: run scripts/fetch-face-api.sh (./portraitbooth does it for you)");
                (log ?? Console.Error.WriteLine)($"converting face-api's networks to ONNX at {directory} (first use)...");
                FaceApiConverter.Convert(source, directory);
            }
            return directory;
        }
    }

    private static string? FromEnvironment(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? Path.GetFullPath(value) : null;

    private static string UserHome() =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".portraitbooth");
}
