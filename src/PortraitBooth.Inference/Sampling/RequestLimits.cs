using PortraitBooth.Inference.Conditioning;
using PortraitBooth.Inference.Packs;
using PortraitBooth.Inference.Text;

namespace PortraitBooth.Inference.Sampling;

/// <summary>The limits of a request, shared by the CLI and the API: every message names the field and the value.</summary>
public static class RequestLimits
{
    public const int MinSteps = 1, MaxSteps = 150;
    public const float MinGuidance = 0f, MaxGuidance = 30f;
    public const int DefaultMaxSubjects = 4;

    /// <summary>
    /// The longest prompt or negative prompt, in characters: far more than the text encoder's 77 tokens hold, and
    /// checked before tokenizing, which costs time in proportion to the text (a 24 MB prompt once held a request for minutes).
    /// </summary>
    public const int MaxPromptLength = 1000;

    /// <summary>Everything that needs no tokenizer: prompt lengths, steps, guidance, size, subjects, boxes, expressions.</summary>
    public static void Check(GenerationRequest request, PackManifest manifest, int maxSubjects = DefaultMaxSubjects)
    {
        CheckLength("prompt", request.Prompt);
        CheckLength("negative_prompt", request.NegativePrompt);
        CheckSampling(request.Steps, request.Guidance, request.Width, request.Height, manifest.Size);
        if (!double.IsFinite(request.BootstrapFraction) || request.BootstrapFraction is < 0 or > 1)
            throw new InvalidRequestException($"bootstrap fraction must be between 0 and 1, got {request.BootstrapFraction}");
        SubjectLayout.Check(request, manifest.Latent.VaeScale, maxSubjects);
        CheckExpressions(request, manifest);
    }

    /// <summary>
    /// <see cref="Check(GenerationRequest, PackManifest, int)"/>, then the prompt as it will be sampled (expression
    /// words inserted): its length and one identity token per face.
    /// </summary>
    public static TokenizedPrompt Check(GenerationRequest request, PackManifest manifest, ClipTokenizer tokenizer,
        int maxSubjects = DefaultMaxSubjects)
    {
        Check(request, manifest, maxSubjects);
        var tokens = tokenizer.Tokenize(request.Prompt, request.Expressions);
        ConditioningBuilder.CheckIdentityCount(tokens, request.Faces.Count);
        tokenizer.Tokenize(request.NegativePrompt);
        return tokens;
    }

    /// <summary>Steps, guidance and size: of a request, and of a pack's own defaults (checked when pack.json is read).</summary>
    public static void CheckSampling(int steps, float guidance, int width, int height, ImageSizeSpec size)
    {
        if (steps is < MinSteps or > MaxSteps)
            throw new InvalidRequestException($"steps must be between {MinSteps} and {MaxSteps}, got {steps}");
        if (!float.IsFinite(guidance) || guidance < MinGuidance || guidance > MaxGuidance)
            throw new InvalidRequestException($"guidance must be between {MinGuidance} and {MaxGuidance}, got {guidance}");
        CheckSize("width", width, size);
        CheckSize("height", height, size);
    }

    private static void CheckLength(string name, string text)
    {
        if (text.Length > MaxPromptLength)
            throw new InvalidRequestException($"{name} is {text.Length} characters; at most {MaxPromptLength} are accepted");
    }

    private static void CheckSize(string name, int value, ImageSizeSpec size)
    {
        if (value < size.Min || value > size.Max)
            throw new InvalidRequestException($"{name} must be between {size.Min} and {size.Max} for this pack, got {value}");
        if (value % size.Multiple != 0)
            throw new InvalidRequestException($"{name} must be a multiple of {size.Multiple} for this pack, got {value}");
    }

    private static void CheckExpressions(GenerationRequest request, PackManifest manifest)
    {
        if (request.Expressions is not { } expressions) return;
        if (expressions.Count != request.Faces.Count)
            throw new InvalidRequestException(
                $"expressions: {expressions.Count} given for {request.Faces.Count} face(s); give one per face (none for a face without)");
        for (var k = 0; k < expressions.Count; k++)
            if (expressions[k] is { } word && !manifest.ExpressionWords.Contains(word, StringComparer.OrdinalIgnoreCase))
                throw UnknownExpression(k, word, manifest.ExpressionWords);
    }

    internal static InvalidRequestException UnknownExpression(int face, string word, IEnumerable<string> known) =>
        new($"expressions[{face}]: '{word}' is not an expression word of this pack ({string.Join(", ", known)})");
}
