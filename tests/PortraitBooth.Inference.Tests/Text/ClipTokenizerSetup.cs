using System.Text.Json;
using PortraitBooth.Inference.Packs;
using PortraitBooth.Inference.Text;
using PortraitBooth.Testing;

namespace PortraitBooth.Inference.Tests.Text;

/// <summary>The CLIP files committed in models/clip-tokenizer, and one tokenizer over them shared by the tests.</summary>
internal static class ClipTokenizerSetup
{
    public static string Folder { get; } = Path.Combine(SharedData.RepoRoot, "models", "clip-tokenizer");
    public static string VocabPath { get; } = Path.Combine(Folder, "vocab.json");
    public static string MergesPath { get; } = Path.Combine(Folder, "merges.txt");

    // SD 1.5's HF tokenizer pads with the end token; the OpenAI reference pads with 0.
    public static TokenizerSpec Spec { get; } = new("vocab.json", "merges.txt", MaxLength: 77, PadId: 49407, BosId: 49406, EosId: 49407);

    public static readonly string[] IdentityWords = ["man", "woman", "person"];
    public static readonly string[] ExpressionWords = ["happy", "sad", "angry", "surprised"];

    private static readonly Lazy<ClipTokenizer> SharedTokenizer = new(() => Create(Spec));
    private static readonly Lazy<IReadOnlyDictionary<string, int>> SharedVocab = new(() =>
        JsonSerializer.Deserialize<Dictionary<string, int>>(File.ReadAllText(VocabPath))!);

    public static ClipTokenizer Tokenizer => SharedTokenizer.Value;

    /// <summary>vocab.json read directly, independent of the tokenizer under test.</summary>
    public static IReadOnlyDictionary<string, int> Vocab => SharedVocab.Value;

    public static ClipTokenizer Create(TokenizerSpec spec) =>
        new(VocabPath, MergesPath, spec, IdentityWords, ExpressionWords);
}
