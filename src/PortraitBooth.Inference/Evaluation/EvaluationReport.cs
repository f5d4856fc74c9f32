using System.Globalization;
using System.Text;

namespace PortraitBooth.Inference.Evaluation;

/// <summary>The markdown that <c>eval score</c> prints and <c>eval run</c> writes to report.md.</summary>
public static class EvaluationReport
{
    public static string ForScores(IReadOnlyList<ScoredImage> scored, bool multi, bool expression)
    {
        List<ReportColumn<ScoredImage>> columns = [ReportColumn<ScoredImage>.Mean(IdentityHeader(multi), s => s.Score.Identity)];
        if (expression) columns.Add(ReportColumn<ScoredImage>.Mean("expression", s => s.Score.Expression ?? 0));
        columns.Add(new("no face found", group => group.Count(s => s.Score.FacesFound == 0).ToString(CultureInfo.InvariantCulture)));
        return CategoryTable.Markdown(scored, s => s.Item.Category, columns);
    }

    /// <param name="heldBack">How many of the people were scored against a held-back photo, of how many.</param>
    public static string ForRun(IReadOnlyList<EvaluationSample> samples, EvaluationSettings settings, string packName,
        (int Count, int Of) heldBack, TimeSpan total, TimeSpan scoring)
    {
        List<ReportColumn<EvaluationSample>> columns =
        [
            ReportColumn<EvaluationSample>.Mean(IdentityHeader(settings.Multi), s => s.Identity.Identity),
            ReportColumn<EvaluationSample>.Mean("baseline identity", s => s.Baseline.Identity),
            ReportColumn<EvaluationSample>.Mean("face found", s => EvaluationSample.FacesFound(s.Identity, s.Item) ? 1 : 0),
            ReportColumn<EvaluationSample>.Mean("baseline face found", s => EvaluationSample.FacesFound(s.Baseline, s.Item) ? 1 : 0),
            ReportColumn<EvaluationSample>.Mean($"{IdentityHeader(settings.Multi)} mirrored", s => s.Mirrored.Identity),
        ];
        if (settings.Expression)
        {
            columns.Add(ReportColumn<EvaluationSample>.Mean("expression", s => s.Identity.Expression ?? 0));
            columns.Add(ReportColumn<EvaluationSample>.Mean("control expression", s => s.Control?.Expression ?? 0));
            columns.Add(ReportColumn<EvaluationSample>.Mean("baseline expression", s => s.Baseline.Expression ?? 0));
        }
        columns.Add(new("prompt consistency", _ => EvaluationRunner.NoClip));
        columns.Add(ReportColumn<EvaluationSample>.Mean("s/image", s => s.IdentityTime.TotalSeconds));
        columns.Add(ReportColumn<EvaluationSample>.Mean("baseline s/image", s => s.BaselineTime.TotalSeconds));

        var generation = samples.Sum(s => s.IdentityTime.TotalSeconds + s.BaselineTime.TotalSeconds + s.ControlTime.TotalSeconds);
        var images = samples.Count * (settings.Expression ? 3 : 2);
        var text = new StringBuilder();
        text.AppendLine($"# Evaluation: pack '{packName}', {samples.Count} prompt × subject samples");
        text.AppendLine();
        text.AppendLine(Invariant($"{settings.Steps} steps, guidance {settings.Guidance}, {settings.Width}x{settings.Height}, {settings.Seeds} seed(s) per prompt and subject, seeds {settings.Seed}…{settings.Seed + (ulong)samples.Count - 1}; baseline = the same prompt and seed without identity{(settings.Expression ? "; control = the same prompt without its emotion word, with identity" : "")}; mirrored = the identity output flipped left to right."));
        text.AppendLine();
        text.AppendLine(heldBack.Count == heldBack.Of
            ? $"Identity is scored against a held-back photo of each person (their second), not the one that conditioned generation; face found = the share of images where a face was found for every subject."
            : $"Identity is scored against a held-back photo (their second) for {heldBack.Count} of {heldBack.Of} people; the others have one photo and are scored against it. Face found = the share of images where a face was found for every subject.");
        text.AppendLine();
        text.Append(CategoryTable.Markdown(samples, s => s.Item.Category, columns));
        text.AppendLine();
        text.AppendLine(Invariant($"time: {total.TotalSeconds:F2} s in all; generation {generation:F2} s ({images} images), scoring {scoring.TotalSeconds:F2} s ({images + samples.Count} images with the mirrored, {scoring.TotalSeconds / Math.Max(1, images + samples.Count):F3} s/image), other {total.TotalSeconds - generation - scoring.TotalSeconds:F2} s (reference photos, files, contact sheet)"));
        return text.ToString();
    }

    private static string IdentityHeader(bool multi) => multi ? "identity (min matched)" : "identity";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
