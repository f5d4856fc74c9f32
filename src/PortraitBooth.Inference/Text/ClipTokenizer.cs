using Microsoft.ML.Tokenizers;
using PortraitBooth.Inference.Packs;

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
    private readonly Dictionary<int, string> _identityWordByTokenId;
    private readonly Dictionary<int, string> _expressionWordByTokenId;

    /// <param name="vocabPath">CLIP's vocab.json (byte-level symbols, "</w>" marking word ends).</param>
    /// <param name="mergesPath">CLIP's merges.txt.</param>
    /// <param name="identityWords">Words that each must be a single token ("man", "woman").</param>
    /// <param name="expressionWords">Words that each must be a single token ("happy", "sad").</param>
    /// <exception cref="ArgumentException">A word is not a single token, so no prompt token could ever be it.</exception>
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
        _identityWordByTokenId = SingleTokenIds(identityWords, nameof(identityWords));
        _expressionWordByTokenId = SingleTokenIds(expressionWords, nameof(expressionWords));
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
        return new TokenizedPrompt(ids, Find(ids, _identityWordByTokenId), Find(ids, _expressionWordByTokenId));
    }

    // A word "is" a token when it encodes, alone, to exactly one token: that token is the vocabulary's "word</w>".
    private Dictionary<int, string> SingleTokenIds(IReadOnlyList<string> words, string parameterName)
    {
        var byId = new Dictionary<int, string>();
        foreach (var word in words)
        {
            var ids = _bpe.EncodeToIds(word);
            if (ids.Count != 1)
                throw new ArgumentException(
                    $"'{word}' is {ids.Count} tokens, not one; only single-token words can be located in a prompt",
                    parameterName);
            byId.TryAdd(ids[0], word);
        }
        return byId;
    }

    // Position 0 is the start token and the last the end token: neither can be a word.
    private static WordPosition[] Find(int[] ids, Dictionary<int, string> wordByTokenId) =>
        ids.Index()
            .Skip(1).SkipLast(1)
            .Where(token => wordByTokenId.ContainsKey(token.Item))
            .Select(token => new WordPosition(token.Index, wordByTokenId[token.Item]))
            .ToArray();
}
