using PortraitBooth.Inference.Datasets;
using PortraitBooth.Inference.Tests.Text;
using PortraitBooth.ModelBuilder.Packs;

namespace PortraitBooth.Inference.Tests.Datasets;

public sealed class CaptionTemplatesTests
{
    private static readonly DatasetVocabulary Vocabulary = ProjectTokenizer.Vocabulary();
    private readonly CaptionTemplates _templates = new(Vocabulary.Tokenizer, Vocabulary.ExpressionWords, expressionConfidence: 0.7f);

    private static Dictionary<string, float> Expressions(string top, float probability)
    {
        var labels = new[] { "neutral", "happy", "sad", "angry", "fearful", "disgusted", "surprised" };
        return labels.ToDictionary(l => l, l => l == top ? probability : (1 - probability) / 6);
    }

    [Fact]
    public void The_plain_caption_is_the_contracts_example()
    {
        var caption = _templates.For("woman", Expressions("neutral", 0.4f))[0];

        Assert.Equal("a photo of a woman", caption.Text);
        Assert.Equal([49406, 320, 1125, 539, 320, 2308, 49407], caption.Ids);
        Assert.Equal(5, caption.IdentityIndex);
        Assert.Null(caption.ExpressionWord);
        Assert.Null(caption.ExpressionIndex);
    }

    [Fact]
    public void An_unsure_expression_gives_only_the_plain_captions()
    {
        var captions = _templates.For("man", Expressions("happy", 0.69f));
        Assert.Equal(CaptionTemplates.Framings.Select(f => $"{f} a man"), captions.Select(c => c.Text));
        Assert.All(captions, c => Assert.Null(c.ExpressionIndex));
    }

    [Fact]
    public void A_confident_smile_is_named_by_each_word_of_its_class_with_the_word_positions_in_the_ids()
    {
        var captions = _templates.For("man", Expressions("happy", 0.93f));

        Assert.Equal(["happy", "smiling", "laughing"], captions.Select(c => c.ExpressionWord).OfType<string>().Distinct());
        Assert.Contains(captions, c => c.Text == "a close-up photo of a smiling man");
        foreach (var caption in captions)
        {
            Assert.Equal(Vocab("man"), caption.Ids[caption.IdentityIndex]);
            Assert.Equal(49406, caption.Ids[0]);
            Assert.Equal(49407, caption.Ids[^1]);
            if (caption.ExpressionWord is { } word)
            {
                Assert.Equal(Vocab(word), caption.Ids[caption.ExpressionIndex!.Value]);
                Assert.Equal(caption.IdentityIndex - 1, caption.ExpressionIndex); // "… a smiling man"
            }
        }
    }

    [Fact]
    public void Other_classes_use_their_words_articles_and_the_neutral_phrase_of_the_eval_prompts()
    {
        Assert.Contains("a photo of an angry woman", _templates.For("woman", Expressions("angry", 0.8f)).Select(c => c.Text));
        Assert.Equal(["sad", "crying"], _templates.For("woman", Expressions("sad", 0.8f)).Select(c => c.ExpressionWord).OfType<string>().Distinct());
        Assert.Equal(["surprised", "shocked"], _templates.For("man", Expressions("surprised", 0.8f)).Select(c => c.ExpressionWord).OfType<string>().Distinct());

        var neutral = _templates.For("woman", Expressions("neutral", 0.95f)).Single(c => c.Text == "a photo of a calm woman with a neutral expression");
        Assert.Equal(Vocab("neutral"), neutral.Ids[neutral.ExpressionIndex!.Value]);
        Assert.Equal(Vocab("woman"), neutral.Ids[neutral.IdentityIndex]);

        // "fearful" is two tokens, fear + ful: the index is the first.
        var fearful = _templates.For("man", Expressions("fearful", 0.8f)).First(c => c.ExpressionWord == "fearful");
        Assert.Equal(ClipTokenizerSetup.Vocab["fear"], fearful.Ids[fearful.ExpressionIndex!.Value]);
        Assert.Equal(Vocab("ful"), fearful.Ids[fearful.ExpressionIndex.Value + 1]);
    }

    /// <summary>The id of a whole word in vocab.json, read directly.</summary>
    private static int Vocab(string word) => ClipTokenizerSetup.Vocab[word + "</w>"];
}
