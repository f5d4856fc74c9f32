using PortraitBooth.Inference.Onnx;
using PortraitBooth.Inference.Packs;
using PortraitBooth.Inference.Text;

namespace PortraitBooth.Inference.Conditioning;

/// <summary>A prompt's encoder-hidden-states row ([MaxLength × TokenWidth]) with identity fusion applied.</summary>
public sealed record PromptConditioning(TokenizedPrompt Prompt, float[] Values);

/// <summary>The number of faces does not match the prompt's identity tokens.</summary>
public sealed class IdentityCountException(string message) : ArgumentException(message);

/// <summary>Prompt text and face embeddings in, the U-Net's conditioning out: tokenize, ψ, then STEA fusion.</summary>
public sealed class ConditioningBuilder(ModelPack pack, ClipTokenizer tokenizer)
{
    private readonly TextEncoder _encoder = new(pack);
    private readonly SteaFusion _fusion = new(pack);

    public PromptConditioning Build(string prompt, IReadOnlyList<float[]> faces, OnnxTimer? timer = null)
    {
        var tokens = tokenizer.Tokenize(prompt);
        CheckIdentityCount(tokens, faces.Count);
        var values = _encoder.Encode(tokens.ToPadded(pack.Manifest.Tokenizer), timer);
        if (faces.Count > 0) _fusion.Apply(values, tokens.IdentityTokens.Select(t => t.Index).ToList(), faces, timer);
        return new PromptConditioning(tokens, values);
    }

    /// <summary>
    /// The k-th identity token takes the k-th face, so with any face the counts must agree. Without faces the
    /// prompt is plain text-to-image and its identity words stay ordinary words.
    /// </summary>
    public static void CheckIdentityCount(TokenizedPrompt tokens, int faceCount)
    {
        var found = tokens.IdentityTokens.Count;
        if (faceCount == 0 || found == faceCount) return;
        var words = found == 0 ? "none" : string.Join(", ", tokens.IdentityTokens.Select(t => $"'{t.Word}' at {t.Index}"));
        throw new IdentityCountException(
            $"the prompt has {found} identity token{(found == 1 ? "" : "s")} ({words}) but {faceCount} face{(faceCount == 1 ? " was" : "s were")} given; " +
            "each face needs its own identity word (e.g. 'man' or 'woman') in the prompt, in the same order");
    }
}
