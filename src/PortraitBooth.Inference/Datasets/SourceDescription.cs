namespace PortraitBooth.Inference.Datasets;

/// <summary>The manifest's <c>source</c>: the folder, its SOURCE.md's title line as the description, and its licence line.</summary>
public static class SourceDescription
{
    public const string FileName = "SOURCE.md";

    public static DatasetSource Read(string directory)
    {
        var path = Path.Combine(directory, FileName);
        var lines = File.Exists(path) ? File.ReadAllLines(path) : [];
        var title = lines.FirstOrDefault(l => l.StartsWith("# ", StringComparison.Ordinal))?[2..].Trim()
            ?? $"photos of {Path.GetFileName(directory)} (no {FileName})";
        // A line such as "**Licence: CelebA is for non-commercial research use only.** Anything …".
        var licence = lines.Select(l => l.Replace("*", "")).FirstOrDefault(l => l.TrimStart().StartsWith("Licence:", StringComparison.OrdinalIgnoreCase)
                                                                              || l.TrimStart().StartsWith("License:", StringComparison.OrdinalIgnoreCase));
        return new DatasetSource(directory, title, licence is null ? $"unknown: {FileName} names no licence" : FirstSentence(licence.Trim()[8..].Trim()));
    }

    private static string FirstSentence(string text) => text.IndexOf(". ", StringComparison.Ordinal) is var end and > 0 ? text[..(end + 1)] : text;
}
