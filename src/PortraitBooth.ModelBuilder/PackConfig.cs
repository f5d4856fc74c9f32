using PortraitBooth.Inference.Packs;

namespace PortraitBooth.ModelBuilder;

/// <param name="EmbeddingRows">
/// Rows of the low embedding table. A full 49,408-row table would break tiny's size limit, so an id's embedding is
/// low[id mod rows] + high[id div rows]: unique per id at a fraction of the size.
/// </param>
internal sealed record TextEncoderConfig(int Width, int Layers, int Heads, int EmbeddingRows = 1024)
{
    public const int ContextLength = 77;
    public const int VocabSize = 49408;
}

/// <param name="AttentionLevels">Levels (0 = outermost) whose blocks end in a spatial transformer; the mid block always has one.</param>
internal sealed record UNetConfig(int BaseChannels, IReadOnlyList<int> ChannelMultipliers, int ResBlocksPerLevel,
    IReadOnlyList<int> AttentionLevels, int AttentionHeads, int NormGroups)
{
    public int Levels => ChannelMultipliers.Count;
    public int ChannelsAt(int level) => BaseChannels * ChannelMultipliers[level];
    public int TimeEmbeddingWidth => 4 * BaseChannels;

    /// <summary>Latent sides must divide by this: one halving per level below the top.</summary>
    public int LatentMultiple => 1 << (Levels - 1);
}

/// <param name="DecoderChannels">After conv_in, then after each of the three ×2 upsamplings.</param>
/// <param name="EncoderChannels">After conv_in, then after each of the three stride-2 convs.</param>
internal sealed record VaeConfig(IReadOnlyList<int> DecoderChannels, IReadOnlyList<int> EncoderChannels, int NormGroups)
{
    public const int Scale = 8;
}

/// <param name="Channels">One stride-2 stage per entry.</param>
internal sealed record FaceEncoderConfig(int InputSize, IReadOnlyList<int> Channels, int NormGroups, int EmbeddingWidth);

internal sealed record PackConfig(
    string Name,
    TextEncoderConfig Text,
    UNetConfig UNet,
    VaeConfig Vae,
    FaceEncoderConfig Face,
    int SteaHiddenWidth,
    int DefaultImageSize,
    int MinImageSize,
    int MaxImageSize)
{
    public const int LatentChannels = 4;
    public const double ScalingFactor = 0.18215;

    /// <summary>Image sides must divide by the VAE scale times the U-Net's own latent multiple.</summary>
    public int ImageMultiple => VaeConfig.Scale * UNet.LatentMultiple;

    public static PackConfig For(PackKind kind) => kind switch
    {
        PackKind.Tiny => Tiny,
        PackKind.Mid => Mid,
        PackKind.Micro => Micro,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>
    /// For tests: every graph under 1 MB. Three U-Net levels so sizes follow the same multiple-of-32 rule as mid;
    /// multipliers 1-2-3 rather than 1-2-4 because 8·4 channels put the U-Net just over 1 MB.
    /// </summary>
    public static readonly PackConfig Tiny = new(
        Name: "tiny",
        Text: new TextEncoderConfig(Width: 32, Layers: 2, Heads: 4),
        UNet: new UNetConfig(BaseChannels: 8, ChannelMultipliers: [1, 2, 3], ResBlocksPerLevel: 1,
            AttentionLevels: [1, 2], AttentionHeads: 2, NormGroups: 4),
        Vae: new VaeConfig(DecoderChannels: [16, 16, 8, 8], EncoderChannels: [8, 8, 16, 16], NormGroups: 4),
        Face: new FaceEncoderConfig(InputSize: 64, Channels: [8, 16, 32], NormGroups: 4, EmbeddingWidth: 32),
        SteaHiddenWidth: 64,
        DefaultImageSize: 128, MinImageSize: 64, MaxImageSize: 512);

    /// <summary>For benchmarks: 512×512 images (64×64 latents) at a fraction of SD 1.5's compute.</summary>
    public static readonly PackConfig Mid = new(
        Name: "mid",
        Text: new TextEncoderConfig(Width: 256, Layers: 4, Heads: 8),
        UNet: new UNetConfig(BaseChannels: 96, ChannelMultipliers: [1, 2, 4], ResBlocksPerLevel: 2,
            AttentionLevels: [1, 2], AttentionHeads: 8, NormGroups: 32),
        Vae: new VaeConfig(DecoderChannels: [128, 128, 64, 32], EncoderChannels: [32, 64, 128, 128], NormGroups: 32),
        Face: new FaceEncoderConfig(InputSize: 112, Channels: [32, 64, 128, 256], NormGroups: 32, EmbeddingWidth: 512),
        SteaHiddenWidth: 512,
        DefaultImageSize: 512, MinImageSize: 256, MaxImageSize: 1024);

    /// <summary>
    /// For the platform benchmark: the same contract at the smallest widths (one head, two norm groups) and 32×32
    /// images (4×4 latents, 1×1 at the U-Net's bottom), so a job's ONNX time is a fraction of a millisecond.
    /// </summary>
    public static readonly PackConfig Micro = new(
        Name: "micro",
        Text: new TextEncoderConfig(Width: 8, Layers: 1, Heads: 1, EmbeddingRows: 256),
        UNet: new UNetConfig(BaseChannels: 4, ChannelMultipliers: [1, 1, 1], ResBlocksPerLevel: 1,
            AttentionLevels: [], AttentionHeads: 1, NormGroups: 2),
        Vae: new VaeConfig(DecoderChannels: [4, 4, 4, 4], EncoderChannels: [4, 4, 4, 4], NormGroups: 2),
        Face: new FaceEncoderConfig(InputSize: 64, Channels: [4, 4, 4], NormGroups: 2, EmbeddingWidth: 8),
        SteaHiddenWidth: 8,
        DefaultImageSize: 32, MinImageSize: 32, MaxImageSize: 128);

    /// <summary>SD 1.5's scheduler_config.json, as Euler.</summary>
    public static readonly SchedulerConfig Scheduler = new(
        Type: "euler_discrete", NumTrainTimesteps: 1000, BetaStart: 0.00085, BetaEnd: 0.012,
        BetaSchedule: "scaled_linear", TimestepSpacing: "linspace", StepsOffset: 1, PredictionType: "epsilon");

    public static readonly TokenizerSpec Tokenizer = new(
        Vocab: "tokenizer/vocab.json", Merges: "tokenizer/merges.txt", MaxLength: TextEncoderConfig.ContextLength,
        PadId: 49407, BosId: 49406, EosId: 49407);

    public static readonly IReadOnlyList<string> IdentityWords = ["man", "woman"];

    /// <summary>The eleven emotion words of shared/eval/prompts-expression.txt, in its order.</summary>
    public static readonly IReadOnlyList<string> ExpressionWords =
        ["happy", "sad", "angry", "surprised", "disgusted", "fearful", "smiling", "laughing", "crying", "neutral", "shocked"];
}
