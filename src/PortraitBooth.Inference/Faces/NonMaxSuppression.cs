namespace PortraitBooth.Inference.Faces;

/// <summary>
/// face-api's greedy non-max suppression (ssdMobilenetv1/nonMaxSuppression.ts): candidates scoring strictly above
/// the threshold, best first (ties keep anchor order, as JavaScript's stable sort does), each kept unless its IoU
/// with an already kept box exceeds the IoU threshold; at most <c>maxResults</c> are kept.
/// </summary>
public static class NonMaxSuppression
{
    /// <param name="boxes">Four values per box: [top,left,bottom,right] (either corner order is accepted).</param>
    /// <returns>Indices of the kept boxes, best first.</returns>
    public static IReadOnlyList<int> Select(ReadOnlySpan<float> boxes, ReadOnlySpan<float> scores,
        float scoreThreshold, float iouThreshold, int maxResults)
    {
        if (boxes.Length != 4 * scores.Length)
            throw new ArgumentException($"{boxes.Length} box values for {scores.Length} scores");
        var candidates = new List<int>();
        for (var i = 0; i < scores.Length; i++)
            if (scores[i] > scoreThreshold) candidates.Add(i);
        var scoreArray = scores.ToArray();
        var ordered = candidates.OrderByDescending(i => scoreArray[i]).ToList(); // LINQ's sort is stable

        var outputSize = Math.Min(maxResults, scores.Length);
        var kept = new List<int>();
        foreach (var candidate in ordered)
        {
            if (kept.Count >= outputSize) break;
            var suppressed = false;
            foreach (var other in kept)
                if (IntersectionOverUnion(boxes, candidate, other) > iouThreshold) { suppressed = true; break; }
            if (!suppressed) kept.Add(candidate);
        }
        return kept;
    }

    /// <summary>face-api's IOU: corners normalised by min/max, 0 for an empty box; computed in double like JavaScript.</summary>
    public static double IntersectionOverUnion(ReadOnlySpan<float> boxes, int i, int j)
    {
        var (yMinI, xMinI, yMaxI, xMaxI) = Corners(boxes, i);
        var (yMinJ, xMinJ, yMaxJ, xMaxJ) = Corners(boxes, j);
        var areaI = (yMaxI - yMinI) * (xMaxI - xMinI);
        var areaJ = (yMaxJ - yMinJ) * (xMaxJ - xMinJ);
        if (areaI <= 0 || areaJ <= 0) return 0;
        var intersection = Math.Max(Math.Min(yMaxI, yMaxJ) - Math.Max(yMinI, yMinJ), 0)
            * Math.Max(Math.Min(xMaxI, xMaxJ) - Math.Max(xMinI, xMinJ), 0);
        return intersection / (areaI + areaJ - intersection);
    }

    private static (double YMin, double XMin, double YMax, double XMax) Corners(ReadOnlySpan<float> boxes, int index)
    {
        var (a, b, c, d) = ((double)boxes[4 * index], (double)boxes[4 * index + 1], (double)boxes[4 * index + 2], (double)boxes[4 * index + 3]);
        return (Math.Min(a, c), Math.Min(b, d), Math.Max(a, c), Math.Max(b, d));
    }
}
