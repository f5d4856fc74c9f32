namespace PortraitBooth.Inference.Evaluation;

/// <summary>A reference and the detected face it was matched to (−1: none was left), with their similarity (0 when none).</summary>
public sealed record SubjectMatch(int Reference, int Face, float Similarity);

/// <summary>One-to-one matching of reference identities to detected faces, as the paper's multi-subject protocol does.</summary>
public static class SubjectMatching
{
    /// <summary>
    /// Greedy: repeatedly pairs the reference and face with the highest similarity among those still unpaired.
    /// <paramref name="similarity"/>[r][f] compares reference r with face f; every row has one entry per face.
    /// References left without a face (fewer faces than references) get similarity 0.
    /// </summary>
    public static IReadOnlyList<SubjectMatch> Greedy(IReadOnlyList<float[]> similarity)
    {
        var faceCount = similarity.Count == 0 ? 0 : similarity[0].Length;
        if (similarity.Any(row => row.Length != faceCount)) throw new ArgumentException("every reference needs one similarity per face");
        var matches = new SubjectMatch?[similarity.Count];
        var faceTaken = new bool[faceCount];
        for (var round = 0; round < Math.Min(similarity.Count, faceCount); round++)
        {
            var best = (Reference: -1, Face: -1, Similarity: float.NegativeInfinity);
            for (var r = 0; r < similarity.Count; r++)
            {
                if (matches[r] is not null) continue;
                for (var f = 0; f < faceCount; f++)
                    if (!faceTaken[f] && similarity[r][f] > best.Similarity) best = (r, f, similarity[r][f]);
            }
            if (best.Reference < 0) break; // only NaN similarities left
            matches[best.Reference] = new SubjectMatch(best.Reference, best.Face, best.Similarity);
            faceTaken[best.Face] = true;
        }
        return [.. matches.Select((match, r) => match ?? new SubjectMatch(r, -1, 0f))];
    }
}
