using PortraitBooth.Inference.Evaluation;
using PortraitBooth.Inference.Text;

namespace PortraitBooth.Inference.Datasets;

/// <summary>
/// Captions from templates over what the analysis derived: a framing ("a photo of", …), the class word of the
/// person's gender, and, where the expression classifier's top class reaches the confidence threshold, each
/// emotion word of that class (<see cref="ExpressionWords"/>: happy → happy, smiling, laughing; sad → sad, crying;
/// surprised → surprised, shocked; neutral → "a calm man with a neutral expression", as in
/// <c>shared/eval/prompts-expression.txt</c>). Every sample gets the plain captions too, so the words stay optional.
/// </summary>
public sealed class CaptionTemplates(ClipTokenizer tokenizer, IReadOnlyList<string> expressionWords, float expressionConfidence)
{
    public static IReadOnlyList<string> Framings { get; } = ["a photo of", "a portrait photo of", "a close-up photo of"];

    /// <summary>Classifier class → the dataset's emotion words for it, in the pack's word order.</summary>
    private readonly IReadOnlyDictionary<string, string[]> _wordsOfClass = expressionWords
        .GroupBy(ExpressionWords.ClassFor).ToDictionary(g => g.Key, g => g.ToArray());

    public IReadOnlyList<DatasetCaption> For(string classWord, IReadOnlyDictionary<string, float> expressions)
    {
        var captions = Framings.Select(framing => Caption($"{framing} a {classWord}", classWord, null)).ToList();
        var (top, probability) = expressions.MaxBy(pair => pair.Value);
        if (probability < expressionConfidence || !_wordsOfClass.TryGetValue(top, out var words)) return captions;
        foreach (var word in words)
            foreach (var framing in Framings)
                captions.Add(Caption(Phrase(framing, word, classWord), classWord, word));
        return captions;
    }

    private static string Phrase(string framing, string word, string classWord) => word == "neutral"
        ? $"{framing} a calm {classWord} with a neutral expression"
        : $"{framing} {("aeiou".Contains(word[0]) ? "an" : "a")} {word} {classWord}";

    private DatasetCaption Caption(string text, string classWord, string? word)
    {
        var tokens = tokenizer.Tokenize(text);
        var identity = tokens.IdentityTokens.Single(t => t.Word == classWord);
        int? expression = word is null ? null : tokens.ExpressionTokens.First(t => t.Word == word).Index;
        return new DatasetCaption(text, [.. tokens.Ids], identity.Index, word, expression);
    }
}
