using PortraitBooth.Inference.Conditioning;
using PortraitBooth.Inference.Packs;

namespace PortraitBooth.Inference.Sampling;

/// <summary>What to generate. Face embeddings are φ(face) from <see cref="Faces.FaceEmbedder"/>, one per identity token.</summary>
public sealed record GenerationRequest
{
    public required string Prompt { get; init; }
    public IReadOnlyList<float[]> Faces { get; init; } = [];
    /// <summary>
    /// Multi-subject (MultiDiffusion) regions in output pixels, one per face in identity-token order. Null: two or
    /// more faces use the default layout; one face is single-subject sampling.
    /// </summary>
    public IReadOnlyList<SubjectBox>? Boxes { get; init; }
    /// <summary>
    /// An expression word per face (a null entry: none), inserted before that face's identity token when the
    /// prompt has no expression word there already. Null: none for any face.
    /// </summary>
    public IReadOnlyList<string?>? Expressions { get; init; }
    public string NegativePrompt { get; init; } = "";
    public ulong Seed { get; init; }
    /// <summary>Denoising steps; a caller whose user named none takes the pack's (<see cref="PackDefaults"/>).</summary>
    public required int Steps { get; init; }
    /// <summary>Classifier-free guidance scale; as for <see cref="Steps"/>, the pack's when the user named none.</summary>
    public required float Guidance { get; init; }
    public required int Width { get; init; }
    public required int Height { get; init; }
    /// <summary>
    /// Multi-subject only: the share of the steps (rounded) during which each subject region sees a noised
    /// constant-colour background outside its box, so that the subject stays inside it.
    /// </summary>
    public double BootstrapFraction { get; init; } = 0.4;
    /// <summary>
    /// All of a step's U-Net inputs in one batched call (default), or, for comparison only, one call per guidance
    /// pair: two batch-1 calls single-subject, one batch-2 call per region multi-subject.
    /// </summary>
    public CfgMode Cfg { get; init; } = CfgMode.Batched;
    /// <summary>Fused identity rows known from earlier requests (e.g. an identity's cache); null fuses every row.</summary>
    public IFusedTokenCache? FusedTokens { get; init; }
}

/// <summary>A subject's region in output pixels: left, top, width, height.</summary>
public sealed record SubjectBox(int X, int Y, int Width, int Height)
{
    public override string ToString() => $"{X},{Y},{Width},{Height}";
}

public enum CfgMode { Batched, Sequential }

/// <summary>A request the pack cannot serve; the message names the field, the value and the allowed range.</summary>
public sealed class InvalidRequestException(string message) : RequestException(message);
