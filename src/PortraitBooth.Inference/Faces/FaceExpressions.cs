namespace PortraitBooth.Inference.Faces;

/// <summary>The probabilities of face-api's seven expressions (they sum to 1).</summary>
public sealed record FaceExpressions(float Neutral, float Happy, float Sad, float Angry, float Fearful, float Disgusted, float Surprised)
{
    /// <summary>face-api's names, in the network's output order.</summary>
    public static IReadOnlyList<string> Labels { get; } = ["neutral", "happy", "sad", "angry", "fearful", "disgusted", "surprised"];

    public static FaceExpressions FromProbabilities(IReadOnlyList<float> p) => p.Count == Labels.Count
        ? new FaceExpressions(p[0], p[1], p[2], p[3], p[4], p[5], p[6])
        : throw new ArgumentException($"{p.Count} probabilities, expected {Labels.Count}");

    public IReadOnlyList<float> Probabilities => [Neutral, Happy, Sad, Angry, Fearful, Disgusted, Surprised];

    public IReadOnlyDictionary<string, float> ToDictionary() =>
        Labels.Zip(Probabilities).ToDictionary(pair => pair.First, pair => pair.Second);

    /// <summary>The most probable expression's label.</summary>
    public string Dominant => Labels[Probabilities.Index().MaxBy(pair => pair.Item).Index];
}
