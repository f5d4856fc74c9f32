namespace PortraitBooth.Grains;

/// <summary>The grain storage provider every PortraitBooth grain uses (memory in embedded mode, Redis when distributed).</summary>
public static class GrainStorage
{
    public const string Name = "portraitbooth";
}
