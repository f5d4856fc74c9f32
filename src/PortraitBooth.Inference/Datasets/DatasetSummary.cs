namespace PortraitBooth.Inference.Datasets;

/// <summary>The closing lines of <c>dataset prepare</c>: kept and dropped photos by reason, people per split, captions per emotion word.</summary>
public static class DatasetSummary
{
    public static IEnumerable<string> Lines(DatasetManifest manifest)
    {
        var counts = manifest.Counts;
        yield return $"photos: {counts.Photos}, kept {counts.Kept}, dropped {counts.Dropped}";
        foreach (var (reason, count) in counts.DroppedByReason) yield return $"  dropped, {reason}: {count}";
        var split = manifest.Split;
        yield return $"people: {split.TrainPeople} train, {split.ValidationPeople} validation, {split.TestPeople} test (seed {split.Seed})";
        foreach (var name in new[] { "train", "validation", "test" })
            yield return $"  {name}: {manifest.Samples.Count(s => s.Split == name)} photos";
        var genders = manifest.Samples.GroupBy(s => s.Gender).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Count()} {g.Key}");
        yield return $"samples by class word: {string.Join(", ", genders)}";
        var captions = manifest.Samples.SelectMany(s => s.Captions).ToList();
        var byWord = manifest.ExpressionWords.Select(w => $"{w} {captions.Count(c => c.ExpressionWord == w)}");
        yield return $"captions: {captions.Count} ({captions.Count(c => c.ExpressionWord is null)} without an emotion word); by emotion word: {string.Join(", ", byWord)}";
    }
}
