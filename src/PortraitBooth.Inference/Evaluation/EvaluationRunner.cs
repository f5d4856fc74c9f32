using System.Diagnostics;
using PortraitBooth.Inference.Faces;
using PortraitBooth.Inference.Images;
using PortraitBooth.Inference.Sampling;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace PortraitBooth.Inference.Evaluation;

/// <param name="PromptLimit">Use only the first N prompts; null: all.</param>
/// <param name="PeopleLimit">Use only the first N people (in name order); null: all.</param>
/// <param name="Seeds">Samples per prompt and subject group, each with its own seed.</param>
public sealed record EvaluationSettings(int Steps, int Width, int Height, float Guidance, ulong Seed, bool Multi, bool Expression,
    int? PromptLimit = null, int? PeopleLimit = null, int Seeds = 1)
{
    public const int MaxSeeds = 64;
}

/// <summary>
/// One prompt for one subject group and seed: the photos that conditioned it, the identity-conditioned output, the
/// text-only baseline, their scores (against <see cref="EvaluationItem.References"/>, the held-back photos) and times.
/// </summary>
/// <param name="Mirrored">The identity output scored flipped left to right.</param>
/// <param name="Control">Expression runs only: the identity output of the same prompt without its emotion word.</param>
/// <param name="ControlTime">How long the control took to generate (zero without one).</param>
public sealed record EvaluationSample(EvaluationItem Item, IReadOnlyList<string> Conditioning, string Prompt,
    PortraitScore Identity, PortraitScore Baseline, TimeSpan IdentityTime, TimeSpan BaselineTime, PortraitScore Mirrored,
    PortraitScore? Control, TimeSpan ControlTime)
{
    /// <summary>Whether the face analysis found a face for every subject in the output.</summary>
    public static bool FacesFound(PortraitScore score, EvaluationItem item) => score.FacesFound >= item.References.Count;
}

public sealed record EvaluationRunResult(IReadOnlyList<EvaluationSample> Samples, string Report, string ReportPath,
    string ContactSheetPath, TimeSpan Total, TimeSpan Scoring);

/// <summary>
/// The paper's protocol on a pack: every prompt for every person (single) or pair of neighbouring people
/// (multi: person i with person i+1, wrapping), with <see cref="EvaluationSettings.Seeds"/> seeds, once conditioned on
/// their reference photos and once text-only with the same prompt and seed; both scored against each person's
/// held-back photo (<see cref="EvaluationIdentity.ScoringPhoto"/>); the identity outputs also mirrored. With
/// <see cref="EvaluationSettings.Expression"/>, also the control: the same prompt without its emotion word
/// (<see cref="EvaluationPrompt.WithoutEmotionWord"/>), conditioned and seeded the same. Writes <c>identity/</c>,
/// <c>baseline/</c> (and <c>control/</c>) with their <see cref="EvaluationManifest"/>, <c>report.md</c> and
/// <c>contact-sheet.png</c> to the output folder.
/// </summary>
public sealed class EvaluationRunner(PortraitPipeline pipeline, FaceEmbedder embedder, PortraitScorer scorer)
{
    public const string IdentityFolder = "identity", BaselineFolder = "baseline", ControlFolder = "control";
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
        var generated = new List<(EvaluationItem Item, string[] Conditioning, string Prompt, TimeSpan IdentityTime, TimeSpan BaselineTime,
            TimeSpan ControlTime)>();
        var folders = settings.Expression ? new[] { IdentityFolder, BaselineFolder, ControlFolder } : [IdentityFolder, BaselineFolder];
        foreach (var (index, (prompt, group)) in plan.Index())
        {
            var item = new EvaluationItem($"{index + 1:0000}.png", prompt.Category, [.. group.Select(p => p.ScoringPhoto)],
                settings.Expression ? prompt.Category : null);
            var text = prompt.Fill([.. group.Select(p => p.ClassWord)]);
            var faces = group.Select(p => Embedding(embeddings, identitiesDirectory, p)).ToList();
            var identityTime = Generate(text, faces, settings, index, Path.Combine(outputDirectory, IdentityFolder, item.Image), cancellationToken);
            var baselineTime = Generate(text, [], settings, index, Path.Combine(outputDirectory, BaselineFolder, item.Image), cancellationToken);
            var controlText = settings.Expression
                ? new EvaluationPrompt(prompt.Category, prompt.WithoutEmotionWord()).Fill([.. group.Select(p => p.ClassWord)]) : null;
            var controlTime = controlText is null ? TimeSpan.Zero
                : Generate(controlText, faces, settings, index, Path.Combine(outputDirectory, ControlFolder, item.Image), cancellationToken);
            generated.Add((item, [.. group.Select(p => p.Reference)], text, identityTime, baselineTime, controlTime));
            log?.Invoke($"[{index + 1}/{plan.Count}] {text}: {identityTime.TotalSeconds:F2} s, baseline {baselineTime.TotalSeconds:F2} s"
                + (controlText is null ? "" : $", control '{controlText}' {controlTime.TotalSeconds:F2} s"));
        }

        var items = generated.Select(g => g.Item).ToList();
        foreach (var folder in folders) EvaluationManifest.Write(Path.Combine(outputDirectory, folder), items);
        var scoringClock = Stopwatch.StartNew();
        var references = new ReferenceScoring(scorer, identitiesDirectory);
        IReadOnlyList<ScoredImage> Score(string folder, bool mirrored = false) =>
            references.ScoreFolder(Path.Combine(outputDirectory, folder), items, settings.Multi, settings.Expression, mirrored);
        var (identity, baseline, mirroredIdentity) = (Score(IdentityFolder), Score(BaselineFolder), Score(IdentityFolder, mirrored: true));
        var control = settings.Expression ? Score(ControlFolder) : null;
        scoringClock.Stop();
        var samples = generated.Select((g, i) => new EvaluationSample(g.Item, g.Conditioning, g.Prompt, identity[i].Score, baseline[i].Score,
            g.IdentityTime, g.BaselineTime, mirroredIdentity[i].Score, control?[i].Score, g.ControlTime)).ToList();

        var sheetPath = Path.Combine(outputDirectory, ContactSheetFile);
        WriteContactSheet(samples, references, outputDirectory, sheetPath);
        clock.Stop();
        var heldBack = identities.Count(p => p.HasHeldBack);
        var report = EvaluationReport.ForRun(samples, settings, pipeline.Pack.Manifest.Name, (heldBack, identities.Count),
            clock.Elapsed, scoringClock.Elapsed);
        var reportPath = Path.Combine(outputDirectory, ReportFile);
        File.WriteAllText(reportPath, report);
        return new EvaluationRunResult(samples, report, reportPath, sheetPath, clock.Elapsed, scoringClock.Elapsed);
    }

    /// <summary>Every prompt × subject group × seed, seeds innermost; sample k is generated with seed + k.</summary>
    private static List<(EvaluationPrompt Prompt, EvaluationIdentity[] Group)> Plan(
        List<EvaluationIdentity> identities, List<EvaluationPrompt> prompts, EvaluationSettings settings)
    {
        var subjects = settings.Multi ? 2 : 1;
        foreach (var prompt in prompts)
        {
            if (prompt.Subjects != subjects)
                throw new ArgumentException($"'{prompt.Template}' has {prompt.Subjects} subject(s); {(settings.Multi ? "--multi needs {S}" : "{S} prompts need --multi")}");
            if (settings.Expression)
            {
                ExpressionWords.ClassFor(prompt.Category);
                prompt.WithoutEmotionWord();  // refused before anything is generated
            }
        }
        if (settings.Seeds is < 1 or > EvaluationSettings.MaxSeeds)
            throw new ArgumentException($"the number of seeds must be 1-{EvaluationSettings.MaxSeeds}, got {settings.Seeds}");
        if (identities.Count < subjects) throw new ArgumentException($"--multi needs at least two people, the identities folder gives {identities.Count}");
        var groups = settings.Multi
            ? identities.Select((person, i) => new[] { person, identities[(i + 1) % identities.Count] }).ToList()
            : identities.Select(person => new[] { person }).ToList();
        return [.. prompts.SelectMany(prompt => groups.SelectMany(group => Enumerable.Repeat((prompt, group), settings.Seeds)))];
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

    /// <summary>One row per sample: the photos that conditioned it, then the identity output, the baseline (and the control).</summary>
    private static void WriteContactSheet(List<EvaluationSample> samples, ReferenceScoring references, string outputDirectory, string path)
    {
        var subjects = samples.Max(s => s.Conditioning.Count);
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
                .. sample.Conditioning.Select(r => Load(references.PathOf(r))),
                .. Enumerable.Repeat<Image<Rgb24>?>(null, subjects - sample.Conditioning.Count),
                Load(Path.Combine(outputDirectory, IdentityFolder, sample.Item.Image)),
                Load(Path.Combine(outputDirectory, BaselineFolder, sample.Item.Image)),
                .. sample.Control is null ? [] : new[] { Load(Path.Combine(outputDirectory, ControlFolder, sample.Item.Image)) },
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
