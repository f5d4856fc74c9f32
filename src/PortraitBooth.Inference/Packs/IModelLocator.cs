namespace PortraitBooth.Inference.Packs;

/// <summary>
/// Turns a configured pack name (and its configured folder, possibly empty) into a folder holding a pack, and finds
/// the converted face models. The host supplies one that creates the generated packs and converts face-api's
/// networks on first use; <see cref="ConfiguredModelLocator"/> only uses what configuration says.
/// </summary>
public interface IModelLocator
{
    string PackDirectory(string name, string configuredDirectory);
    string FaceModelsDirectory(string configuredDirectory);
}

public sealed class ConfiguredModelLocator : IModelLocator
{
    public string PackDirectory(string name, string configuredDirectory) =>
        configuredDirectory is { Length: > 0 } ? configuredDirectory
            : throw new InvalidOperationException($"PortraitBooth:Packs:{name} names no folder");

    public string FaceModelsDirectory(string configuredDirectory) =>
        configuredDirectory is { Length: > 0 } ? configuredDirectory
            : throw new InvalidOperationException("PortraitBooth:FaceModels names no folder");
}
