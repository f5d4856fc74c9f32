using System.Diagnostics;
using PortraitBooth.Inference.Faces;
using PortraitBooth.Inference.Images;
using PortraitBooth.Inference.Sampling;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace PortraitBooth.Inference.Evaluation;

/// <param name="PromptLimit">Use only the first N prompts; null: all.</param>
/// <param name="PeopleLimit">Use only the first N people (in name order); null: all.</param>
public sealed record EvaluationSettings(int Steps, int Width, int Height, float Guidance, ulong Seed, bool Multi, bool Expression,
    int? PromptLimit = null, int? PeopleLimit = null);

/// <summary>One prompt for one subject group: the identity-conditioned output, the text-only baseline, their scores and times.</summary>
public sealed record EvaluationSample(EvaluationItem Item, string Prompt, PortraitScore Identity, PortraitScore Baseline,
    TimeSpan IdentityTime, TimeSpan BaselineTime);

public sealed record EvaluationRunResult(IReadOnlyList<EvaluationSample> Samples, string Report, string ReportPath,
    string ContactSheetPath, TimeSpan Total, TimeSpan Scoring);

/// <summary>
/// The paper's protocol on a pack: every prompt for every person (single) or pair of neighbouring people
/// (multi: person i with person i+1, wrapping), once conditioned on their reference photos and once text-only with
/// the same prompt and seed; both scored against the references. Writes <c>identity/</c> and <c>baseline/</c>
/// (images and <see cref="EvaluationManifest"/>), <c>report.md</c> and <c>contact-sheet.png</c> to the output folder.
/// </summary>
public sealed class EvaluationRunner(PortraitPipeline pipeline, FaceEmbedder embedder, PortraitScorer scorer)
{
    public const string IdentityFolder = "identity", BaselineFolder = "baseline";
    public const string ReportFile = "report.md", ContactSheetFile = "contact-sheet.png";
    public const int ContactSheetCell = 128;
    /// <summary>Prompt consistency needs a CLIP image-text model, which no pack here carries.</summary>
    public const string NoClip = "n/a — no CLIP pack";

    public EvaluationRunResult Run(string identitiesDirectory, string promptsFile, EvaluationSettings settings, string outputDirectory,
        Action<string>? log = null, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        var identities = EvaluationIdentities.Read(identitiesDirectory).Take(settings.PeopleLimit ?? int.MaxValue).ToList();
        var prompts = EvaluationPrompt.Read(promptsFile).Take(settings.PromptLimit ?? int.MaxValue).ToList();
        var plan = Plan(identities, prompts, settings);
        var embeddings = new Dictionary<string, float[]>();
        var generated = new List<(EvaluationItem Item, string Prompt, TimeSpan IdentityTime, TimeSpan BaselineTime)>();
        foreach (var (index, (prompt, group)) in plan.Index())
        {
            var item = new EvaluationItem($"{index + 1:0000}.png", prompt.Category, [.. group.Select(p => p.Reference)],
                settings.Expression ? prompt.Category : null);
            var text = prompt.Fill([.. group.Select(p => p.ClassWord)]);
            var faces = group.Select(p => Embedding(embeddings, identitiesDirectory, p)).ToList();
            var identityTime = Generate(text, faces, settings, index, Path.Combine(outputDirectory, IdentityFolder, item.Image), cancellationToken);
            var baselineTime = Generate(text, [], settings, index, Path.Combine(outputDirectory, BaselineFolder, item.Image), cancellationToken);
            generated.Add((item, text, identityTime, baselineTime));
            log?.Invoke($"[{index + 1}/{plan.Count}] {text}: {identityTime.TotalSeconds:F2} s, baseline {baselineTime.TotalSeconds:F2} s");
        }

        var items = generated.Select(g => g.Item).ToList();
        EvaluationManifest.Write(Path.Combine(outputDirectory, IdentityFolder), items);
        EvaluationManifest.Write(Path.Combine(outputDirectory, BaselineFolder), items);
        var scoringClock = Stopwatch.StartNew();
        var references = new ReferenceScoring(scorer, identitiesDirectory);
        var identity = references.ScoreFolder(Path.Combine(outputDirectory, IdentityFolder), items, settings.Multi, settings.Expression);
        var baseline = references.ScoreFolder(Path.Combine(outputDirectory, BaselineFolder), items, settings.Multi, settings.Expression);
        scoringClock.Stop();
        var samples = generated.Select((g, i) => new EvaluationSample(g.Item, g.Prompt, identity[i].Score, baseline[i].Score, g.IdentityTime, g.BaselineTime)).ToList();

        var sheetPath = Path.Combine(outputDirectory, ContactSheetFile);
        WriteContactSheet(samples, references, outputDirectory, sheetPath);
        clock.Stop();
        var report = EvaluationReport.ForRun(samples, settings, pipeline.Pack.Manifest.Name, clock.Elapsed, scoringClock.Elapsed);
        var reportPath = Path.Combine(outputDirectory, ReportFile);
        File.WriteAllText(reportPath, report);
        return new EvaluationRunResult(samples, report, reportPath, sheetPath, clock.Elapsed, scoringClock.Elapsed);
    }

    private static List<(EvaluationPrompt Prompt, EvaluationIdentity[] Group)> Plan(
        List<EvaluationIdentity> identities, List<EvaluationPrompt> prompts, EvaluationSettings settings)
    {
        var subjects = settings.Multi ? 2 : 1;
        foreach (var prompt in prompts)
        {
            if (prompt.Subjects != subjects)
                throw new ArgumentException($"'{prompt.Template}' has {prompt.Subjects} subject(s); {(settings.Multi ? "--multi needs {S}" : "{S} prompts need --multi")}");
            if (settings.Expression) ExpressionWords.ClassFor(prompt.Category);
        }
        if (identities.Count < subjects) throw new ArgumentException($"--multi needs at least two people, the identities folder gives {identities.Count}");
        var groups = settings.Multi
            ? identities.Select((person, i) => new[] { person, identities[(i + 1) % identities.Count] }).ToList()
            : identities.Select(person => new[] { person }).ToList();
        return [.. prompts.SelectMany(prompt => groups.Select(group => (prompt, group)))];
    }

    private float[] Embedding(Dictionary<string, float[]> known, string identitiesDirectory, EvaluationIdentity person)
    {
        if (known.TryGetValue(person.Name, out var embedding)) return embedding;
        var path = Path.Combine(identitiesDirectory, person.Reference);
        using var photo = ImageDecoding.LoadRgb(path);
        return known[person.Name] = embedder.Embed(photo, path).Values;
    }

    private TimeSpan Generate(string prompt, IReadOnlyList<float[]> faces, EvaluationSettings settings, int index, string path,
        CancellationToken cancellationToken)
    {
        var request = new GenerationRequest
        {
            Prompt = prompt,
            Faces = faces,
            Seed = settings.Seed + (ulong)index,
            Steps = settings.Steps,
            Guidance = settings.Guidance,
            Width = settings.Width,
            Height = settings.Height,
        };
        using var result = pipeline.Generate(request, cancellationToken: cancellationToken);
        ImageEncoding.Save(result.Image, path);
        return result.Total;
    }

    /// <summary>One row per sample: its reference photos, then the identity output and the baseline.</summary>
    private static void WriteContactSheet(List<EvaluationSample> samples, ReferenceScoring references, string outputDirectory, string path)
    {
        var subjects = samples.Max(s => s.Item.References.Count);
        // Each file once, shrunk to its cell, so a long run's sheet never holds full-size photos.
        var loaded = new Dictionary<string, Image<Rgb24>>(StringComparer.Ordinal);
        Image<Rgb24> Load(string file)
        {
            if (loaded.TryGetValue(file, out var known)) return known;
            var image = ImageDecoding.LoadRgb(file);
            ImageScaling.ShrinkToFit(image, ContactSheetCell);
            return loaded[file] = image;
        }
        try
        {
            var rows = samples.Select(sample => (IReadOnlyList<Image<Rgb24>?>)
            [
                .. sample.Item.References.Select(r => Load(references.PathOf(r))),
                .. Enumerable.Repeat<Image<Rgb24>?>(null, subjects - sample.Item.References.Count),
                Load(Path.Combine(outputDirectory, IdentityFolder, sample.Item.Image)),
                Load(Path.Combine(outputDirectory, BaselineFolder, sample.Item.Image)),
            ]).ToList();
            using var sheet = ContactSheet.Compose(rows, ContactSheetCell);
            ImageEncoding.Save(sheet, path);
        }
        finally
        {
            foreach (var image in loaded.Values) image.Dispose();
        }
    }
}
