using PortraitBooth.Inference.Faces;
using PortraitBooth.Inference.Packs;
using PortraitBooth.ModelBuilder;

namespace PortraitBooth.Host;

/// <summary>
/// Packs and face models as the CLI finds them (<see cref="ModelLocations"/>): a generated pack ("tiny", "mid") is
/// created on first use, in its configured folder or under the models folder; face-api's networks are converted on
/// first use. Other packs must already be in their configured folder.
/// </summary>
public sealed class FirstUseModelLocator(ILogger<FirstUseModelLocator> logger) : IModelLocator
{
    public string PackDirectory(string name, string configuredDirectory)
    {
        var generated = Enum.TryParse<PackKind>(name, ignoreCase: true, out var kind) && name.All(char.IsAsciiLetterLower);
        if (configuredDirectory is not { Length: > 0 })
            return generated ? ModelLocations.EnsurePack(kind, Log) : throw new InvalidOperationException($"PortraitBooth:Packs:{name} names no folder");
        if (generated && !File.Exists(Path.Combine(configuredDirectory, PackManifest.FileName)))
            return ModelLocations.EnsurePack(kind, configuredDirectory, Log);
        return configuredDirectory;
    }

    public string FaceModelsDirectory(string configuredDirectory)
    {
        if (configuredDirectory is not { Length: > 0 }) return ModelLocations.EnsureFaceModels(Log);
        return FaceModels.StaleReason(configuredDirectory) is null
            ? configuredDirectory
            : ModelLocations.EnsureFaceModels(configuredDirectory, Log);
    }

    private void Log(string message) => logger.LogInformation("{Message}", message);
}
