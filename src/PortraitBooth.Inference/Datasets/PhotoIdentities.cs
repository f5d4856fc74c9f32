namespace PortraitBooth.Inference.Datasets;

/// <summary>
/// A photo folder as <c>shared/data/faces-celeba</c> lays it out: <c>photos/</c> and <c>identities.tsv</c>
/// (<c>file&lt;TAB&gt;identity</c>, a header line, the identity of each photo's main subject).
/// </summary>
public sealed record PhotoIdentities(string Directory, string PhotosDirectory, IReadOnlyDictionary<string, string> PersonOf, IReadOnlyList<string> Files)
{
    public const string IdentitiesFile = "identities.tsv";
    public const string PhotosFolder = "photos";

    /// <summary>Every photo named by identities.tsv or present in photos/, in ordinal order.</summary>
    public IReadOnlyList<string> AllPhotos { get; } = [.. PersonOf.Keys.Union(Files).Order(StringComparer.Ordinal)];

    public static PhotoIdentities Read(string directory)
    {
        if (!System.IO.Directory.Exists(directory)) throw new DirectoryNotFoundException($"photo folder '{directory}' does not exist");
        var photos = Path.Combine(directory, PhotosFolder);
        if (!System.IO.Directory.Exists(photos)) throw new DirectoryNotFoundException($"'{directory}' has no {PhotosFolder}/ folder");
        var tsv = Path.Combine(directory, IdentitiesFile);
        if (!File.Exists(tsv)) throw new FileNotFoundException($"'{directory}' has no {IdentitiesFile} (file<TAB>identity per photo)", tsv);

        var personOf = new Dictionary<string, string>(StringComparer.Ordinal);
        var lines = File.ReadAllLines(tsv);
        for (var n = 0; n < lines.Length; n++)
        {
            var line = lines[n].TrimEnd('\r');
            if (line.Trim().Length == 0 || line.StartsWith('#') || (n == 0 && line.StartsWith("file\t", StringComparison.Ordinal))) continue;
            var fields = line.Split('\t');
            if (fields.Length < 2 || fields[0].Length == 0 || fields[1].Trim().Length == 0)
                throw new InvalidDataException($"{tsv} line {n + 1}: expected file<TAB>identity, got '{line}'");
            if (fields[0].Contains('/') || fields[0].Contains('\\') || fields[0] is "." or "..")
                throw new InvalidDataException($"{tsv} line {n + 1}: '{fields[0]}' must be a file name inside {PhotosFolder}/");
            if (!personOf.TryAdd(fields[0], fields[1].Trim()) && personOf[fields[0]] != fields[1].Trim())
                throw new InvalidDataException($"{tsv} line {n + 1}: '{fields[0]}' is listed with two identities");
        }
        if (personOf.Count == 0) throw new InvalidDataException($"{tsv} lists no photos");
        var files = System.IO.Directory.EnumerateFiles(photos).Select(Path.GetFileName).OfType<string>()
            .Where(f => !f.StartsWith('.')).ToList();
        return new PhotoIdentities(Path.GetFullPath(directory), Path.GetFullPath(photos), personOf, files);
    }

    /// <summary>Per-photo id: the file name without its extension, or the whole name when two photos would share one.</summary>
    public IReadOnlyDictionary<string, string> Ids()
    {
        var stems = AllPhotos.GroupBy(Path.GetFileNameWithoutExtension).ToDictionary(g => g.Key!, g => g.Count());
        return AllPhotos.ToDictionary(p => p, p => stems[Path.GetFileNameWithoutExtension(p)] == 1
            ? Path.GetFileNameWithoutExtension(p)
            : p.Replace('.', '_'), StringComparer.Ordinal);
    }
}
