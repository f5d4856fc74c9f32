using System.Net;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace PortraitBooth.Inference.Text;

/// <summary>
/// CLIP's text cleaning (openai/CLIP simple_tokenizer.py without ftfy): HTML-unescape twice,
/// collapse whitespace runs to one space and strip, then lower-case.
/// </summary>
/// <remarks>
/// The reference unescapes with Python's <c>html.unescape</c>; <see cref="WebUtility.HtmlDecode(string)"/> knows
/// the HTML 4 entity set and needs the trailing ';', so rare HTML5-only or semicolon-less entities stay as typed.
/// ftfy (mojibake repair, NFC) is not reproduced; the published test vectors were made with it stubbed too.
/// </remarks>
internal sealed partial class ClipNormalizer : Normalizer
{
    public static ClipNormalizer Instance { get; } = new();

    private ClipNormalizer() { }

    public override string Normalize(string original)
    {
        // Twice, like the reference: "&amp;lt;" becomes "<".
        var unescaped = WebUtility.HtmlDecode(WebUtility.HtmlDecode(original));
        return Whitespace().Replace(unescaped, " ").Trim().ToLowerInvariant();
    }

    public override string Normalize(ReadOnlySpan<char> original) => Normalize(original.ToString());

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
