using PortraitBooth.Inference.Faces;

namespace PortraitBooth.Inference.Evaluation;

/// <summary>
/// The one table from an asked emotion word to the expression classifier's class. The classifier knows seven
/// expressions; four of the eleven words of <c>shared/eval/prompts-expression.txt</c> have no class of their own and
/// are scored as the class they show most plainly.
/// </summary>
public static class ExpressionWords
{
    public static IReadOnlyDictionary<string, string> ClassOf { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["neutral"] = "neutral",
        ["happy"] = "happy",
        ["sad"] = "sad",
        ["angry"] = "angry",
        ["fearful"] = "fearful",
        ["disgusted"] = "disgusted",
        ["surprised"] = "surprised",
        ["smiling"] = "happy",
        ["laughing"] = "happy",
        ["crying"] = "sad",
        ["shocked"] = "surprised",
    };

    public static string ClassFor(string word) => ClassOf.TryGetValue(word, out var label)
        ? label
        : throw new ArgumentException($"no expression class for '{word}'; known words: {string.Join(", ", ClassOf.Keys)}");

    /// <summary>The classifier's probability of the class <paramref name="word"/> asks for.</summary>
    public static float Probability(FaceExpressions expressions, string word) => expressions.ToDictionary()[ClassFor(word)];
}
