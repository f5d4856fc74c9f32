using Microsoft.ML.Tokenizers;
using PortraitBooth.Inference.Packs;
using PortraitBooth.Inference.Sampling;

namespace PortraitBooth.Inference.Text;

/// <summary>
/// CLIP's byte-level BPE tokenizer (openai/CLIP simple_tokenizer.py), on Microsoft.ML.Tokenizers' BPE model.
/// Adds the start and end tokens, never truncates (see <see cref="PromptTooLongException"/>), and finds the pack's
/// identity and expression words among the tokens.
/// </summary>
public sealed class ClipTokenizer
{
    public const string StartOfText = "<|startoftext|>";
    public const string EndOfText = "<|endoftext|>";

    private readonly BpeTokenizer _bpe;
    private readonly TokenizerSpec _spec;
    private readonly (int[] Ids, string Word)[] _identityWords;
    private readonly (int[] Ids, string Word)[] _expressionWords;

    /// <param name="vocabPath">CLIP's vocab.json (byte-level symbols, "</w>" marking word ends).</param>
    /// <param name="mergesPath">CLIP's merges.txt.</param>
    /// <param name="identityWords">Words that each must be a single token ("man", "woman"): fusion replaces one row.</param>
    /// <param name="expressionWords">Words of one or more tokens ("happy"; "fearful" is "fear" + "ful").</param>
    /// <exception cref="ArgumentException">An identity word is not a single token, so no row could carry the face.</exception>
    public ClipTokenizer(
        string vocabPath,
        string mergesPath,
        TokenizerSpec spec,
        IReadOnlyList<string> identityWords,
        IReadOnlyList<string> expressionWords)
    {
        if (spec.MaxLength < 2)
            throw new ArgumentException($"a context of {spec.MaxLength} tokens cannot hold the start and end tokens", nameof(spec));
        _spec = spec;
        var specialTokens = new Dictionary<string, int> { [StartOfText] = spec.BosId, [EndOfText] = spec.EosId };
        _bpe = BpeTokenizer.Create(new BpeOptions(vocabPath, mergesPath)
        {
            ByteLevel = true,
            EndOfWordSuffix = "</w>",
            PreTokenizer = ClipPreTokenizer.Create(specialTokens),
            Normalizer = ClipNormalizer.Instance,
            SpecialTokens = specialTokens,
        });
        _identityWords = WordTokens(identityWords, singleToken: true, nameof(identityWords));
        _expressionWords = WordTokens(expressionWords, singleToken: false, nameof(expressionWords));
    }

    /// <summary>Start token, the prompt's tokens, end token; no padding.</summary>
    /// <exception cref="PromptTooLongException">The prompt has more than MaxLength − 2 tokens.</exception>
    public TokenizedPrompt Tokenize(string text)
    {
        var content = _bpe.EncodeToIds(text);
        var fit = _spec.MaxLength - 2;
        if (content.Count > fit) throw new PromptTooLongException(content.Count, fit);

        var ids = new int[content.Count + 2];
        ids[0] = _spec.BosId;
        for (var i = 0; i < content.Count; i++) ids[i + 1] = content[i];
        ids[^1] = _spec.EosId;
        return new TokenizedPrompt(ids, Find(ids, _identityWords), Find(ids, _expressionWords));
    }

    /// <summary>
    /// <see cref="Tokenize(string)"/>, then for each identity token k with an expression <paramref name="expressions"/>[k],
    /// that word's tokens inserted right before it unless an expression word already stands there ("a happy man").
    /// </summary>
    /// <exception cref="InvalidRequestException">An expression is not one of the pack's expression words.</exception>
    /// <exception cref="PromptTooLongException">The prompt with the inserted words has more than MaxLength − 2 tokens.</exception>
    public TokenizedPrompt Tokenize(string text, IReadOnlyList<string?>? expressions)
    {
        var plain = Tokenize(text);
        if (expressions is null || expressions.All(e => e is null)) return plain;
        var ids = plain.Ids.ToList();
        // From the last identity token backwards, so earlier positions stay valid while inserting.
        for (var k = Math.Min(expressions.Count, plain.IdentityTokens.Count) - 1; k >= 0; k--)
        {
            if (expressions[k] is not { } word) continue;
            var identity = plain.IdentityTokens[k].Index;
            if (plain.ExpressionTokens.Any(e => e.Index + e.Length == identity)) continue;
            ids.InsertRange(identity, ExpressionIds(word, k));
        }
        if (ids.Count > _spec.MaxLength) throw new PromptTooLongException(ids.Count - 2, _spec.MaxLength - 2);
        var array = ids.ToArray();
        return new TokenizedPrompt(array, Find(array, _identityWords), Find(array, _expressionWords));
    }

    private int[] ExpressionIds(string word, int face) =>
        _expressionWords.FirstOrDefault(w => string.Equals(w.Word, word, StringComparison.OrdinalIgnoreCase)).Ids
        ?? throw RequestLimits.UnknownExpression(face, word, _expressionWords.Select(w => w.Word));

    // A word's tokens are what it encodes to alone: for a one-token word, the vocabulary's "word</w>".
    private (int[] Ids, string Word)[] WordTokens(IReadOnlyList<string> words, bool singleToken, string parameterName)
    {
        var result = new List<(int[], string)>();
        foreach (var word in words)
        {
            var ids = _bpe.EncodeToIds(word).ToArray();
            if (ids.Length == 0 || (singleToken && ids.Length != 1))
                throw new ArgumentException(
                    $"'{word}' is {ids.Length} tokens, not one; an identity word must be a single token", parameterName);
            result.Add((ids, word));
        }
        // Longest first, so a word that starts with a shorter listed word wins at the same position.
        return result.OrderByDescending(w => w.Item1.Length).ToArray();
    }

    // Position 0 is the start token and the last the end token: neither can be part of a word.
    private static WordPosition[] Find(int[] ids, (int[] Ids, string Word)[] words)
    {
        var found = new List<WordPosition>();
        for (var i = 1; i < ids.Length - 1;)
        {
            var match = words.FirstOrDefault(w => i + w.Ids.Length <= ids.Length - 1 && ids.AsSpan(i, w.Ids.Length).SequenceEqual(w.Ids));
            if (match.Ids is null) { i++; continue; }
            found.Add(new WordPosition(i, match.Word, match.Ids.Length));
            i += match.Ids.Length;
        }
        return found.ToArray();
    }
}
