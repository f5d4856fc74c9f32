using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace PortraitBooth.Inference.Text;

/// <summary>CLIP's word-splitting regex (simple_tokenizer.py), applied after <see cref="ClipNormalizer"/>.</summary>
internal static partial class ClipPreTokenizer
{
    // The special-token alternatives come first so that "<|endoftext|>" typed in a prompt stays one piece and maps
    // to its special id, as in the OpenAI reference. Letters and digits are split apart, every digit on its own.
    [GeneratedRegex(@"<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+",
        RegexOptions.IgnoreCase)]
    private static partial Regex WordPattern();

    public static PreTokenizer Create(IReadOnlyDictionary<string, int> specialTokens) =>
        new RegexPreTokenizer(WordPattern(), specialTokens);
}
