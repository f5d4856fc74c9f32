using PortraitBooth.Inference.Onnx;
using PortraitBooth.Inference.Packs;
using PortraitBooth.Inference.Text;

namespace PortraitBooth.Inference.Conditioning;

/// <summary>A prompt's encoder-hidden-states row ([MaxLength × TokenWidth]) with identity fusion applied.</summary>
public sealed record PromptConditioning(TokenizedPrompt Prompt, float[] Values);

/// <param name="Fused">Every identity row fused: what single-subject sampling would use.</param>
/// <param name="Plain">No row fused: the background region's conditioning.</param>
/// <param name="Subjects">Per face, in identity-token order: <paramref name="Plain"/> with only its own identity row fused.</param>
public sealed record SubjectConditioning(PromptConditioning Fused, float[] Plain, IReadOnlyList<float[]> Subjects);

/// <summary>The number of faces does not match the prompt's identity tokens.</summary>
public sealed class IdentityCountException(string message) : RequestException(message);

/// <summary>Prompt text and face embeddings in, the U-Net's conditioning out: tokenize, ψ, then STEA fusion.</summary>
public sealed class ConditioningBuilder(ModelPack pack, ClipTokenizer tokenizer)
{
    private readonly TextEncoder _encoder = new(pack);
    private readonly SteaFusion _fusion = new(pack);

    /// <summary>How often the fuse module ran, and how many rows it fused (rows taken from a cache are not counted).</summary>
    public long FuseRuns => _fusion.Runs;
    public long RowsFused => _fusion.RowsFused;

    public PromptConditioning Build(string prompt, IReadOnlyList<float[]> faces, OnnxTimer? timer = null,
        IFusedTokenCache? fusedTokens = null) =>
        Build(tokenizer.Tokenize(prompt), faces, timer, fusedTokens);

    /// <summary>Conditioning of an already tokenized prompt (e.g. with expression words inserted).</summary>
    public PromptConditioning Build(TokenizedPrompt tokens, IReadOnlyList<float[]> faces, OnnxTimer? timer = null,
        IFusedTokenCache? fusedTokens = null)
    {
        CheckIdentityCount(tokens, faces.Count);
        var values = _encoder.Encode(tokens.ToPadded(pack.Manifest.Tokenizer), timer);
        if (faces.Count > 0) Fuse(values, tokens, faces, timer, fusedTokens);
        return new PromptConditioning(tokens, values);
    }

    /// <summary>
    /// Multi-subject conditioning from one text-encoder run and one fuse run: the plain rows for the background,
    /// and for subject k the plain rows with only identity row k fused (with face k).
    /// </summary>
    public SubjectConditioning BuildSubjects(TokenizedPrompt tokens, IReadOnlyList<float[]> faces, OnnxTimer? timer = null,
        IFusedTokenCache? fusedTokens = null)
    {
        CheckIdentityCount(tokens, faces.Count);
        var plain = _encoder.Encode(tokens.ToPadded(pack.Manifest.Tokenizer), timer);
        var fused = plain.ToArray();
        Fuse(fused, tokens, faces, timer, fusedTokens);
        var width = pack.Manifest.Stea.TokenWidth;
        var subjects = tokens.IdentityTokens.Select(identity =>
        {
            var own = plain.ToArray();
            fused.AsSpan(identity.Index * width, width).CopyTo(own.AsSpan(identity.Index * width));
            return own;
        }).ToList();
        return new SubjectConditioning(new PromptConditioning(tokens, fused), plain, subjects);
    }

    private void Fuse(float[] values, TokenizedPrompt tokens, IReadOnlyList<float[]> faces, OnnxTimer? timer, IFusedTokenCache? cache)
    {
        var width = pack.Manifest.Stea.TokenWidth;
        var rows = tokens.IdentityTokens.Select(t => t.Index).ToList();
        var missing = new List<int>();
        for (var k = 0; k < rows.Count; k++)
        {
            if (cache?.Get(k, tokens.IdsThroughIdentity(k)) is { } cached && cached.Length == width)
                cached.CopyTo(values.AsSpan(rows[k] * width, width));
            else
                missing.Add(k);
        }
        if (missing.Count == 0) return;
        _fusion.Apply(values, missing.Select(k => rows[k]).ToList(), missing.Select(k => faces[k]).ToList(), timer);
        if (cache is null) return;
        foreach (var k in missing) cache.Put(k, tokens.IdsThroughIdentity(k), values.AsSpan(rows[k] * width, width).ToArray());
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
