using PortraitBooth.Inference.Text;

namespace PortraitBooth.Inference.Tests.Text;

public sealed class ClipTokenizerTests
{
    private static ClipTokenizer Tokenizer => ClipTokenizerSetup.Tokenizer;
    private static int VocabId(string symbol) => ClipTokenizerSetup.Vocab[symbol];

    [Fact]
    public void IdentityAndExpressionWordsAreFoundAtTheirTokenPositions()
    {
        const string text = "a photo of a happy man and a sad woman";
        // Every word here is one vocabulary entry "word</w>": the expected ids follow from vocab.json alone.
        int[] expectedIds =
        [
            ClipTokenizerSetup.Spec.BosId, .. text.Split(' ').Select(word => VocabId(word + "</w>")),
            ClipTokenizerSetup.Spec.EosId,
        ];

        var prompt = Tokenizer.Tokenize(text);

        Assert.Equal(expectedIds, prompt.Ids);
        // 0 BOS, 1 a, 2 photo, 3 of, 4 a, 5 happy, 6 man, 7 and, 8 a, 9 sad, 10 woman, 11 EOS.
        Assert.Equal([new WordPosition(6, "man"), new WordPosition(10, "woman")], prompt.IdentityTokens);
        Assert.Equal([new WordPosition(5, "happy"), new WordPosition(9, "sad")], prompt.ExpressionTokens);
    }

    [Fact]
    public void EachIdentityKeysItsFusedRowByTheIdsThroughItsIdentityToken()
    {
        var prompt = Tokenizer.Tokenize("a photo of a happy man and a sad woman");

        Assert.Equal(prompt.Ids.Take(7), prompt.IdsThroughIdentity(0));  // BOS … "man"
        Assert.Equal(prompt.Ids.Take(11), prompt.IdsThroughIdentity(1)); // BOS … "woman"
    }

    [Fact]
    public void WordsMatchAfterNormalisation()
    {
        var prompt = Tokenizer.Tokenize("A HAPPY  Man!");

        Assert.Equal([new WordPosition(3, "man")], prompt.IdentityTokens);
        Assert.Equal([new WordPosition(2, "happy")], prompt.ExpressionTokens);
    }

    [Fact]
    public void AWordInsideALongerWordIsNotAMatch()
    {
        // "manly" and "mankind" are their own tokens, never "man</w>".
        var prompt = Tokenizer.Tokenize("a manly face, mankind");

        Assert.Empty(prompt.IdentityTokens);
        Assert.DoesNotContain(VocabId("man</w>"), prompt.Ids);
    }

    [Fact]
    public void AWordThatIsSeveralTokensIsRejectedAtConstruction()
    {
        var error = Assert.Throws<ArgumentException>(() => new ClipTokenizer(
            ClipTokenizerSetup.VocabPath, ClipTokenizerSetup.MergesPath, ClipTokenizerSetup.Spec,
            ["portraitboothian"], []));

        Assert.Contains("portraitboothian", error.Message);
        Assert.Equal("identityWords", error.ParamName);
    }

    [Fact]
    public void AnExpressionWordOfSeveralTokensIsFoundAsOneSpan()
    {
        var tokenizer = new ClipTokenizer(
            ClipTokenizerSetup.VocabPath, ClipTokenizerSetup.MergesPath, ClipTokenizerSetup.Spec, ["man"], ["fearful", "happy"]);

        var prompt = tokenizer.Tokenize("a fearful man and a happy man");

        // "fearful" is "fear" + "ful</w>" in CLIP's vocabulary.
        Assert.Equal(VocabId("fear"), prompt.Ids[2]);
        Assert.Equal(VocabId("ful</w>"), prompt.Ids[3]);
        Assert.Equal([new WordPosition(2, "fearful", 2), new WordPosition(7, "happy", 1)], prompt.ExpressionTokens);
        Assert.Equal([4, 8], prompt.IdentityTokens.Select(t => t.Index));
    }

    [Fact]
    public void IdsStartAndEndWithTheSpecTokensWithoutPadding()
    {
        var ids = Tokenizer.Tokenize("a photo of a cat").Ids;

        Assert.Equal(7, ids.Count);
        Assert.Equal(ClipTokenizerSetup.Spec.BosId, ids[0]);
        Assert.Equal(ClipTokenizerSetup.Spec.EosId, ids[^1]);
    }

    [Fact]
    public void ToPaddedFillsTheContextWithThePadId()
    {
        var spec = ClipTokenizerSetup.Spec with { PadId = 0 };
        var prompt = Tokenizer.Tokenize("a photo of a cat");

        var padded = prompt.ToPadded(spec);

        Assert.Equal(spec.MaxLength, padded.Length);
        Assert.Equal(prompt.Ids, padded[..prompt.Ids.Count]);
        Assert.All(padded[prompt.Ids.Count..], id => Assert.Equal(0, id));
    }

    [Fact]
    public void APromptThatExactlyFillsTheContextIsAccepted()
    {
        var prompt = Tokenizer.Tokenize(Words("cat", 75));

        Assert.Equal(77, prompt.Ids.Count);
        Assert.Equal(prompt.Ids, prompt.ToPadded(ClipTokenizerSetup.Spec));
    }

    [Fact]
    public void APromptLongerThanTheContextIsRejectedWithItsTokenCount()
    {
        var error = Assert.Throws<PromptTooLongException>(() => Tokenizer.Tokenize(Words("cat", 76)));

        Assert.Equal(76, error.TokenCount);
        Assert.Equal(75, error.MaxTokenCount);
        Assert.Contains("76 tokens", error.Message);
        Assert.Contains("only 75 fit", error.Message);
        Assert.IsAssignableFrom<ArgumentException>(error);
    }

    [Fact]
    public void TheLimitFollowsTheSpecsContextLength()
    {
        var shortContext = ClipTokenizerSetup.Create(ClipTokenizerSetup.Spec with { MaxLength = 8 });

        Assert.Equal(8, shortContext.Tokenize(Words("cat", 6)).Ids.Count);
        var error = Assert.Throws<PromptTooLongException>(() => shortContext.Tokenize(Words("cat", 7)));
        Assert.Equal(6, error.MaxTokenCount);
    }

    [Fact]
    public void HtmlEntitiesAreUnescapedTwice()
    {
        // "&amp;lt;" -> "&lt;" -> "<", which is the vocabulary's "<</w>".
        var ids = Tokenizer.Tokenize("&amp;lt;").Ids;

        Assert.Equal([ClipTokenizerSetup.Spec.BosId, VocabId("<</w>"), ClipTokenizerSetup.Spec.EosId], ids);
    }

    private static string Words(string word, int count) => string.Join(' ', Enumerable.Repeat(word, count));
}
