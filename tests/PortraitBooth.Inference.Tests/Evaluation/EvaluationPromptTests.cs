using PortraitBooth.Inference.Evaluation;

namespace PortraitBooth.Inference.Tests.Evaluation;

public sealed class EvaluationPromptTests
{
    [Theory]
    [InlineData("happy", "a photo of a happy {C}", "a photo of a {C}")]
    [InlineData("angry", "a photo of an angry {C}", "a photo of a {C}")]
    [InlineData("neutral", "a photo of a calm {C} with a neutral expression", "a photo of a calm {C}")]
    [InlineData("smiling", "a close-up photo of a smiling {C}", "a close-up photo of a {C}")]
    [InlineData("sad", "a photo of an old sad {C}", "a photo of an old {C}")]
    [InlineData("happy", "a photo of a happy elderly {C}", "a photo of an elderly {C}")]
    public void The_expression_control_drops_the_emotion_word_and_mends_the_article(string category, string template, string control) =>
        Assert.Equal(control, new EvaluationPrompt(category, template).WithoutEmotionWord());

    [Fact]
    public void A_prompt_without_its_emotion_word_has_no_control()
    {
        var error = Assert.Throws<ArgumentException>(() => new EvaluationPrompt("happy", "a photo of a {C}").WithoutEmotionWord());
        Assert.Contains("does not contain its emotion word 'happy'", error.Message);
    }
}
