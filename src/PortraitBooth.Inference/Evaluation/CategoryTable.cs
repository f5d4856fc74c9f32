using System.Globalization;
using System.Text;

namespace PortraitBooth.Inference.Evaluation;

/// <summary>A column of a <see cref="CategoryTable"/>: its header and the cell it shows for a group of samples.</summary>
public sealed record ReportColumn<T>(string Header, Func<IReadOnlyList<T>, string> Cell)
{
    /// <summary>A column of the mean of a number per sample, three decimals.</summary>
    public static ReportColumn<T> Mean(string header, Func<T, double> value) =>
        new(header, samples => samples.Average(value).ToString("F3", CultureInfo.InvariantCulture));
}

/// <summary>A markdown table with one row per category (in order of first appearance) and an "overall" row.</summary>
public static class CategoryTable
{
    public const string Overall = "overall";

    public static string Markdown<T>(IReadOnlyList<T> samples, Func<T, string> category, IReadOnlyList<ReportColumn<T>> columns)
    {
        var text = new StringBuilder();
        text.AppendLine($"| category | images | {string.Join(" | ", columns.Select(c => c.Header))} |");
        text.AppendLine($"|---|---:|{string.Concat(columns.Select(_ => "---:|"))}");
        var groups = samples.GroupBy(category).Select(g => (Name: g.Key, Samples: (IReadOnlyList<T>)[.. g])).ToList();
        foreach (var (name, group) in groups.Append((Overall, samples)))
            text.AppendLine($"| {name} | {group.Count} | {string.Join(" | ", columns.Select(c => c.Cell(group)))} |");
        return text.ToString();
    }
}
