using PortraitBooth.Inference.Faces;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace PortraitBooth.Inference.Evaluation;

/// <summary>
/// How one image scores: <see cref="Identity"/> is the minimum matched similarity over the references (0 when a
/// reference found no face); <see cref="Expression"/> the probability of the asked emotion on the largest face
/// (0 without a face), null when none was asked.
/// </summary>
public sealed record PortraitScore(float Identity, IReadOnlyList<SubjectMatch> Matches, int FacesFound, float? Expression);

/// <summary>
/// The paper's identity and expression measures on an image, with the face analysis and the identity similarity
/// of <see cref="FaceAnalyzer"/> and <see cref="IdentityMetrics"/>. With one reference this is the similarity of
/// the largest face; with N, greedy matching on the N×N matrix of the N largest faces against the references.
/// </summary>
public sealed class PortraitScorer(FaceAnalyzer analyzer)
{
    private readonly IdentityMetrics _metrics = analyzer.Models.Metrics;

    /// <summary>The recognizer's descriptor of a reference photo's largest face; <see cref="NoFaceException"/> when it has none.</summary>
    public float[] Describe(Image<Rgb24> reference, string name) =>
        analyzer.Largest(reference, name, withExpressions: false).Face.Descriptor;

    public PortraitScore Score(Image<Rgb24> image, IReadOnlyList<float[]> references, string? expression = null)
    {
        if (references.Count == 0) throw new ArgumentException("scoring needs at least one reference");
        if (expression is not null) ExpressionWords.ClassFor(expression);
        var found = analyzer.Analyze(image, withExpressions: expression is not null);
        var faces = found.Take(references.Count).ToList();
        var similarity = references.Select(r => faces.Select(f => _metrics.Similarity(r, f.Descriptor)).ToArray()).ToList();
        var matches = SubjectMatching.Greedy(similarity);
        float? expressionScore = expression is null ? null
            : faces.Count == 0 ? 0f : ExpressionWords.Probability(faces[0].Expressions!, expression);
        return new PortraitScore(matches.Min(m => m.Similarity), matches, found.Count, expressionScore);
    }
}
