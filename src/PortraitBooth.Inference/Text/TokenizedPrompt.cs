using PortraitBooth.Inference.Packs;

namespace PortraitBooth.Inference.Text;

/// <summary>A prompt's token ids (start and end tokens included, not padded) and where its special words are.</summary>
public sealed class TokenizedPrompt
{
    internal TokenizedPrompt(int[] ids, IReadOnlyList<WordPosition> identityTokens, IReadOnlyList<WordPosition> expressionTokens)
    {
        Ids = ids;
        IdentityTokens = identityTokens;
        ExpressionTokens = expressionTokens;
    }

    public IReadOnlyList<int> Ids { get; }

    /// <summary>Tokens that are one of the pack's identity words, in prompt order.</summary>
    public IReadOnlyList<WordPosition> IdentityTokens { get; }

    /// <summary>Tokens that are one of the pack's expression words, in prompt order.</summary>
    public IReadOnlyList<WordPosition> ExpressionTokens { get; }

    /// <summary>
    /// The key of identity k's fused STEA row: the ids up to and including its identity token. The text encoder is
    /// causal, so the row depends on nothing later in the prompt; expression words inserted before the identity
    /// word are part of it. Every cache of fused rows keys by this, so a prefetch and the pipeline agree.
    /// </summary>
    public int[] IdsThroughIdentity(int k) => Ids.Take(IdentityTokens[k].Index + 1).ToArray();

    /// <summary>The ids followed by <see cref="TokenizerSpec.PadId"/> up to <see cref="TokenizerSpec.MaxLength"/>.</summary>
    public int[] ToPadded(TokenizerSpec spec)
    {
        if (Ids.Count > spec.MaxLength)
            throw new PromptTooLongException(Ids.Count - 2, spec.MaxLength - 2);
        var padded = new int[spec.MaxLength];
        for (var i = 0; i < Ids.Count; i++) padded[i] = Ids[i];
        padded.AsSpan(Ids.Count).Fill(spec.PadId);
        return padded;
    }
}
