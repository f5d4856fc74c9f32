using PortraitBooth.Inference.Images;
using SixLabors.ImageSharp.Processing;

namespace PortraitBooth.Inference.Evaluation;

/// <summary>An image of an images folder with its score.</summary>
public sealed record ScoredImage(EvaluationItem Item, PortraitScore Score);

/// <summary>
/// Scores the images of a folder listed in its <see cref="EvaluationManifest"/> against reference photos under
/// <paramref name="referencesDirectory"/>, describing each reference once.
/// </summary>
public sealed class ReferenceScoring(PortraitScorer scorer, string referencesDirectory)
{
    private readonly Dictionary<string, float[]> _descriptors = new(StringComparer.Ordinal);

    /// <param name="multi">Images may have several subjects; without it each must have exactly one reference.</param>
    /// <param name="expression">Score the asked expression; every item must name one.</param>
    /// <param name="mirrored">Score each image flipped left to right: identity that survives the mirror was not
    /// bought by fitting the recognizer's asymmetries (a check for a model trained against that recognizer).</param>
    public IReadOnlyList<ScoredImage> ScoreFolder(string imagesDirectory, IReadOnlyList<EvaluationItem> items, bool multi, bool expression,
        bool mirrored = false)
    {
        if (!Directory.Exists(referencesDirectory)) throw new DirectoryNotFoundException($"references folder '{referencesDirectory}' does not exist");
        foreach (var item in items)
        {
            if (!multi && item.References.Count != 1)
                throw new ArgumentException($"'{item.Image}' has {item.References.Count} references; score several subjects with --multi");
            if (expression) ExpressionWords.ClassFor(item.Expression ?? throw new ArgumentException($"'{item.Image}' names no expression to score"));
        }
        return [.. items.Select(item =>
        {
            using var image = ImageDecoding.LoadRgb(Path.Combine(imagesDirectory, item.Image));
            if (mirrored) image.Mutate(x => x.Flip(FlipMode.Horizontal));
            var references = item.References.Select(Descriptor).ToList();
            return new ScoredImage(item, scorer.Score(image, references, expression ? item.Expression : null));
        })];
    }

    public string PathOf(string reference) => Path.Combine(referencesDirectory, reference);

    private float[] Descriptor(string reference)
    {
        if (_descriptors.TryGetValue(reference, out var known)) return known;
        using var photo = ImageDecoding.LoadRgb(PathOf(reference));
        return _descriptors[reference] = scorer.Describe(photo, PathOf(reference));
    }
}
