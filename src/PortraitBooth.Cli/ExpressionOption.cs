namespace PortraitBooth.Cli;

/// <summary>The <c>--expression</c> values of generate and tokenize: one per face, in order; "none" for a face without.</summary>
internal static class ExpressionOption
{
    public const string None = "none";

    public static List<string?>? Parse(string[]? values) =>
        values is null or [] ? null : values.Select(v => string.Equals(v, None, StringComparison.OrdinalIgnoreCase) ? null : v).ToList();
}
