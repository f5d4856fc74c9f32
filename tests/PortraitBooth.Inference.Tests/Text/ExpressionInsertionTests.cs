using PortraitBooth.Inference.Sampling;
using PortraitBooth.Inference.Text;

namespace PortraitBooth.Inference.Tests.Text;

public sealed class ExpressionInsertionTests
{
    private static ClipTokenizer Tokenizer => ClipTokenizerSetup.Tokenizer;

    [Theory]
    [InlineData("a photo of a man", new[] { "happy" }, "a photo of a happy man")]
    [InlineData("a photo of a man and a woman", new[] { "none", "angry" }, "a photo of a man and a angry woman")]
    [InlineData("a photo of a man and a woman", new[] { "SAD", "surprised" }, "a photo of a sad man and a surprised woman")]
    [InlineData("a photo of a sad man", new[] { "happy" }, "a photo of a sad man")]
    [InlineData("a happy photo of a man", new[] { "sad" }, "a happy photo of a sad man")]
    public void The_expression_goes_right_before_its_identity_word_unless_one_stands_there(string prompt, string[] expressions, string sampled)
    {
        var inserted = Tokenizer.Tokenize(prompt, expressions.Select(e => e == "none" ? null : e).ToList());
        var expected = Tokenizer.Tokenize(sampled);
        Assert.Equal(expected.Ids, inserted.Ids);
        Assert.Equal(expected.IdentityTokens, inserted.IdentityTokens);
        Assert.Equal(expected.ExpressionTokens, inserted.ExpressionTokens);
    }

    [Fact]
    public void Without_expressions_the_prompt_is_tokenized_as_written()
    {
        Assert.Equal(Tokenizer.Tokenize("a photo of a man").Ids, Tokenizer.Tokenize("a photo of a man", [null]).Ids);
        Assert.Equal(Tokenizer.Tokenize("a photo of a man").Ids, Tokenizer.Tokenize("a photo of a man", null).Ids);
    }

    [Fact]
    public void An_unknown_expression_word_is_refused_naming_the_face_and_the_word()
    {
        var error = Assert.Throws<InvalidRequestException>(() => Tokenizer.Tokenize("a man and a woman", [null, "grumpy"]));
        Assert.Contains("expressions[1]: 'grumpy' is not an expression word", error.Message);
    }

    [Fact]
    public void A_prompt_that_the_insertion_makes_too_long_is_refused()
    {
        var prompt = string.Join(" ", Enumerable.Repeat("a", 74)) + " man";
        Assert.Equal(77, Tokenizer.Tokenize(prompt).Ids.Count);
        Assert.Throws<PromptTooLongException>(() => Tokenizer.Tokenize(prompt, ["happy"]));
    }
}
