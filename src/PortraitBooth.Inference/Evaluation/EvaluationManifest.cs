namespace PortraitBooth.Inference.Evaluation;

/// <summary>
/// One image to score: its file (relative to the images folder), its category, the reference photo of each
/// subject (relative to the references folder, in subject order) and the asked expression word, if any.
/// </summary>
public sealed record EvaluationItem(string Image, string Category, IReadOnlyList<string> References, string? Expression);

/// <summary>
/// <c>images.tsv</c> in an images folder says which references each image is scored against. <c>eval run</c> writes
/// it; by hand it is a tab-separated file with the header <c>image category references expression</c> (expression
/// optional), references separated by <c>;</c>, blank lines and lines starting with <c>#</c> ignored.
/// </summary>
public static class EvaluationManifest
{
    public const string FileName = "images.tsv";
    public const char ReferenceSeparator = ';';
    private static readonly string[] Columns = ["image", "category", "references", "expression"];

    public static IReadOnlyList<EvaluationItem> Read(string imagesDirectory)
    {
        if (!Directory.Exists(imagesDirectory)) throw new DirectoryNotFoundException($"images folder '{imagesDirectory}' does not exist");
        var path = Path.Combine(imagesDirectory, FileName);
        if (!File.Exists(path))
            throw new FileNotFoundException($"{path} is missing: it maps each image to its references (eval run writes it; see docs/evaluation.md)", path);
        var lines = File.ReadAllLines(path).Select((text, i) => (Text: text, Number: i + 1))
            .Where(line => line.Text.Trim().Length > 0 && !line.Text.StartsWith('#')).ToList();
        var header = lines.Count == 0 ? [] : lines[0].Text.Split('\t');
        if (header.Length is < 3 or > 4 || !header.SequenceEqual(Columns[..header.Length]))
            throw new InvalidDataException($"{path}: the first line must be the header '{string.Join("\\t", Columns)}' (expression optional)");
        return [.. lines.Skip(1).Select(line => Parse(path, line.Number, line.Text.Split('\t')))];
    }

    public static void Write(string imagesDirectory, IEnumerable<EvaluationItem> items)
    {
        Directory.CreateDirectory(imagesDirectory);
        var lines = items.Select(item => string.Join('\t', item.Image, item.Category,
            string.Join(ReferenceSeparator, item.References), item.Expression ?? ""));
        File.WriteAllLines(Path.Combine(imagesDirectory, FileName),
            ["# portraitbooth eval score: image → references (relative to --refs), ';' between subjects", string.Join('\t', Columns), .. lines]);
    }

    private static EvaluationItem Parse(string path, int number, string[] fields)
    {
        if (fields.Length is < 3 or > 4) throw new InvalidDataException($"{path}:{number}: expected 3 or 4 tab-separated fields, got {fields.Length}");
        var references = fields[2].Split(ReferenceSeparator, StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (fields[0].Trim().Length == 0 || references.Length == 0)
            throw new InvalidDataException($"{path}:{number}: an image and at least one reference are required");
        var expression = fields.Length == 4 && fields[3].Trim().Length > 0 ? fields[3].Trim() : null;
        return new EvaluationItem(fields[0].Trim(), fields[1].Trim(), references, expression);
    }
}
