namespace PortraitBooth.Inference.Faces;

/// <summary>
/// Comparing two face descriptors. Raw descriptors of this recognizer are all alike (cosine 0.76–0.91 even for
/// different people), so similarity is the cosine of descriptors centred on a fixed population mean that ships
/// with the face models; the Euclidean distance is dlib's own measure (same person below 0.6).
/// </summary>
public sealed class IdentityMetrics(float[] populationMean)
{
    public const float DlibSamePersonDistance = 0.6f;

    public float[] PopulationMean => populationMean;

    public float Similarity(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != populationMean.Length || b.Length != populationMean.Length)
            throw new ArgumentException($"descriptors must have {populationMean.Length} values");
        double dot = 0, normA = 0, normB = 0;
        for (var i = 0; i < a.Length; i++)
        {
            var (x, y) = (a[i] - populationMean[i], b[i] - populationMean[i]);
            dot += x * y;
            normA += x * x;
            normB += y * y;
        }
        return normA == 0 || normB == 0 ? 0f : (float)(dot / Math.Sqrt(normA * normB));
    }

    public static float Distance(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length) throw new ArgumentException("descriptors differ in length");
        double sum = 0;
        for (var i = 0; i < a.Length; i++) sum += (a[i] - b[i]) * (double)(a[i] - b[i]);
        return (float)Math.Sqrt(sum);
    }
}
