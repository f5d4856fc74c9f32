namespace PortraitBooth.Inference.Text;

/// <summary>
/// A prompt with more tokens than the text encoder's context holds. Thrown instead of truncating, because
/// truncation could silently cut off an identity or expression word.
/// </summary>
public sealed class PromptTooLongException(int tokenCount, int maxTokenCount)
    : RequestException(
        $"the prompt has {tokenCount} tokens but only {maxTokenCount} fit " +
        $"(context of {maxTokenCount + 2} minus the start and end tokens); shorten the prompt",
        "text")
{
    /// <summary>Tokens of the prompt, start and end tokens not counted.</summary>
    public int TokenCount { get; } = tokenCount;

    /// <summary>Tokens that fit, start and end tokens not counted.</summary>
    public int MaxTokenCount { get; } = maxTokenCount;
}
