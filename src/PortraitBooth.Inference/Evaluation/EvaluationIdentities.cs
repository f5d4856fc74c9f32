namespace PortraitBooth.Inference.Evaluation;

/// <summary>A person of the identities folder: their class word (the prompt's identity token) and photos in name order.</summary>
public sealed record EvaluationIdentity(string Name, string ClassWord, IReadOnlyList<string> Photos)
{
    /// <summary>The photo that conditions generation: the first one.</summary>
    public string Reference => Photos[0];

    /// <summary>Whether the person has a second photo to score against, one the model never saw.</summary>
    public bool HasHeldBack => Photos.Count > 1;

    /// <summary>
    /// The photo outputs are scored against: the second (held back), so that copying the conditioning photo is not
    /// rewarded; a person with a single photo is scored against it.
    /// </summary>
    public string ScoringPhoto => HasHeldBack ? Photos[1] : Photos[0];
}

/// <summary>
/// An identities folder as <c>shared/data/identities</c> lays it out: <c>&lt;person&gt;/&lt;n&gt;.jpg</c>, and a
/// <c>manifest.tsv</c> beside the folders whose header names a <c>person</c> and a <c>gender</c> column (F → woman,
/// M → man); other columns and repeated rows are ignored.
/// </summary>
public static class EvaluationIdentities
{
    public const string ManifestFile = "manifest.tsv";
    private static readonly string[] PhotoExtensions = [".jpg", ".jpeg", ".png", ".webp"];

    public static IReadOnlyList<EvaluationIdentity> Read(string directory)
    {
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"identities folder '{directory}' does not exist");
        var classWords = ClassWords(Path.Combine(directory, ManifestFile));
        var identities = new List<EvaluationIdentity>();
        foreach (var person in Directory.EnumerateDirectories(directory).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(person);
            var photos = Directory.EnumerateFiles(person).Where(f => PhotoExtensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
                .Select(f => Path.GetRelativePath(directory, f).Replace('\\', '/'))
                .OrderBy(f => Path.GetFileNameWithoutExtension(f).Length).ThenBy(f => f, StringComparer.Ordinal).ToList();
            if (photos.Count == 0) continue;
            if (!classWords.TryGetValue(name, out var classWord))
                throw new InvalidDataException($"{Path.Combine(directory, ManifestFile)} gives no gender for '{name}'");
            identities.Add(new EvaluationIdentity(name, classWord, photos));
        }
        return identities.Count > 0 ? identities : throw new InvalidDataException($"identities folder '{directory}' has no <person>/<photo> files");
    }

    private static Dictionary<string, string> ClassWords(string manifest)
    {
        if (!File.Exists(manifest))
            throw new FileNotFoundException($"{manifest} is missing: it gives each person's gender (columns person, gender: F or M)", manifest);
        var lines = File.ReadAllLines(manifest).Where(l => l.Trim().Length > 0 && !l.StartsWith('#')).Select(l => l.Split('\t')).ToList();
        var (person, gender) = lines.Count == 0 ? (-1, -1) : (Array.IndexOf(lines[0], "person"), Array.IndexOf(lines[0], "gender"));
        if (person < 0 || gender < 0) throw new InvalidDataException($"{manifest}: the header must name a 'person' and a 'gender' column");
        var words = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var fields in lines.Skip(1))
        {
            if (fields.Length <= Math.Max(person, gender)) throw new InvalidDataException($"{manifest}: a row has too few columns: '{string.Join(' ', fields)}'");
            words[fields[person]] = fields[gender].Trim().ToUpperInvariant() switch
            {
                "F" => "woman",
                "M" => "man",
                var other => throw new InvalidDataException($"{manifest}: gender of '{fields[person]}' is '{other}', expected F or M"),
            };
        }
        return words;
    }
}
