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
    public int Steps { get; init; } = 50;
    public float Guidance { get; init; } = 5f;
    public required int Width { get; init; }
    public required int Height { get; init; }
    /// <summary>One batch-2 U-Net call per step (default), or two batch-1 calls (for comparison only).</summary>
    public CfgMode Cfg { get; init; } = CfgMode.Batched;
    /// <summary>Fused identity rows known from earlier requests (e.g. an identity's cache); null fuses every row.</summary>
    public IFusedTokenCache? FusedTokens { get; init; }
}

/// <summary>A subject's region in output pixels: left, top, width, height.</summary>
public sealed record SubjectBox(int X, int Y, int Width, int Height);

public enum CfgMode { Batched, Sequential }

/// <summary>A request the pack cannot serve; the message names the field, the value and the allowed range.</summary>
public sealed class InvalidRequestException(string message) : ArgumentException(message);

/// <summary>The limits of a request, shared by the CLI and the API.</summary>
public static class RequestLimits
{
    public const int MinSteps = 1, MaxSteps = 150;
    public const float MinGuidance = 0f, MaxGuidance = 30f;

    public static void Check(GenerationRequest request, PackManifest manifest)
    {
        if (request.Steps is < MinSteps or > MaxSteps)
            throw new InvalidRequestException($"steps must be between {MinSteps} and {MaxSteps}, got {request.Steps}");
        if (!float.IsFinite(request.Guidance) || request.Guidance < MinGuidance || request.Guidance > MaxGuidance)
            throw new InvalidRequestException($"guidance must be between {MinGuidance} and {MaxGuidance}, got {request.Guidance}");
        CheckSize("width", request.Width, manifest.Size);
        CheckSize("height", request.Height, manifest.Size);
    }

    private static void CheckSize(string name, int value, ImageSizeSpec size)
    {
        if (value < size.Min || value > size.Max)
            throw new InvalidRequestException($"{name} must be between {size.Min} and {size.Max} for this pack, got {value}");
        if (value % size.Multiple != 0)
            throw new InvalidRequestException($"{name} must be a multiple of {size.Multiple} for this pack, got {value}");
    }
}
