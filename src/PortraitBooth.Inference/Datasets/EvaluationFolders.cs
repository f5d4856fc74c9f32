using PortraitBooth.Inference.Packs;

namespace PortraitBooth.Inference.Datasets;

/// <summary>
/// <c>eval-test/</c> and <c>eval-validation/</c>: the held-out people's original photos, laid out like
/// <c>shared/data/identities</c> (<c>&lt;person&gt;/N.ext</c> and a <c>manifest.tsv</c> with person, gender F/M,
/// file, source_path, bytes, sha256), so <c>eval run --identities</c> reads them as they are. Each person's photos
/// are numbered largest face first, so <c>1</c> (the one evaluation conditions on) is the best resolved.
/// </summary>
public static class EvaluationFolders
{
    public static string FolderFor(string split) => $"eval-{split}";

    public static void Write(string outputDirectory, string split, IEnumerable<DatasetSample> samples, PhotoIdentities source)
    {
        var folder = Path.Combine(outputDirectory, FolderFor(split));
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        Directory.CreateDirectory(folder);
        var rows = new List<string> { "person\tgender\tfile\tsource_path\tbytes\tsha256" };
        foreach (var person in samples.GroupBy(s => s.Person).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            Directory.CreateDirectory(Path.Combine(folder, person.Key));
            var number = 0;
            foreach (var sample in person.OrderByDescending(s => s.EyeToMouth).ThenBy(s => s.Photo, StringComparer.Ordinal))
            {
                var original = Path.Combine(source.PhotosDirectory, sample.Photo);
                var file = $"{person.Key}/{++number}{Path.GetExtension(sample.Photo).ToLowerInvariant()}";
                var copy = Path.Combine(folder, file);
                File.Copy(original, copy);
                rows.Add(string.Join('\t', person.Key, sample.Gender == "woman" ? "F" : "M", file,
                    $"{PhotoIdentities.PhotosFolder}/{sample.Photo}", new FileInfo(copy).Length, PackFiles.Sha256Of(copy)));
            }
        }
        File.WriteAllLines(Path.Combine(folder, "manifest.tsv"), rows);
    }
}
