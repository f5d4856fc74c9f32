using System.CommandLine;

namespace PortraitBooth.Cli;

internal static class CommonOptions
{
    public static Option<string?> Pack() => new("--pack")
    {
        Description = "A model pack folder (default: the embedded tiny pack, models/tiny, created on first use).",
    };
}
