namespace PortraitBooth.Inference.Packs;

/// <summary>
/// Steps, guidance and size of a request that names none, for this pack: pack.json's <c>defaults</c>, field by field,
/// else the global 50 steps, guidance 5 and <c>size.default_*</c>. The API, the CLI and eval all resolve through here.
/// </summary>
public sealed record PackDefaults(int Steps, float Guidance, int Width, int Height)
{
    public const int GlobalSteps = 50;
    public const float GlobalGuidance = 5f;

    public static PackDefaults Of(PackManifest manifest) => new(
        manifest.Defaults?.Steps ?? GlobalSteps,
        manifest.Defaults?.Guidance ?? GlobalGuidance,
        manifest.Defaults?.Width ?? manifest.Size.DefaultWidth,
        manifest.Defaults?.Height ?? manifest.Size.DefaultHeight);

    /// <summary>What a request asked for, each value it left out taken from these defaults.</summary>
    public PackDefaults Fill(int? steps, float? guidance, int? width, int? height) =>
        new(steps ?? Steps, guidance ?? Guidance, width ?? Width, height ?? Height);
}
