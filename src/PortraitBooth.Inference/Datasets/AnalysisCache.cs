using System.Text.Json;

namespace PortraitBooth.Inference.Datasets;

/// <summary>
/// <c>analysis.jsonl</c> in the output folder: a header line naming the settings the analyses depend on (template,
/// size, thresholds, face models), then one JSON line per finished photo, appended and flushed as each one ends,
/// so an interrupted run resumes where it stopped. A file with other settings is started afresh; a torn last line
/// (the process killed mid-write) is ignored.
/// </summary>
public sealed class AnalysisCache : IDisposable
{
    public const string FileName = "analysis.jsonl";

    private readonly StreamWriter _writer;
    private readonly Lock _lock = new();

    private AnalysisCache(StreamWriter writer, IReadOnlyDictionary<string, PhotoOutcome> previous) => (_writer, Previous) = (writer, previous);

    /// <summary>What earlier runs with the same settings finished, by photo.</summary>
    public IReadOnlyDictionary<string, PhotoOutcome> Previous { get; }

    private sealed record Header(string Format, string Settings);

    private const string Format = "portraitbooth-dataset-analysis/1";

    public static AnalysisCache Open(string outputDirectory, string settings)
    {
        var path = Path.Combine(outputDirectory, FileName);
        var previous = new Dictionary<string, PhotoOutcome>(StringComparer.Ordinal);
        var valid = File.Exists(path) && ReadInto(path, settings, previous);
        Directory.CreateDirectory(outputDirectory);
        var writer = new StreamWriter(new FileStream(path, valid ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.Read));
        if (!valid) writer.WriteLine(JsonSerializer.Serialize(new Header(Format, settings), DatasetManifest.JsonOptions));
        else writer.WriteLine(); // ends a torn last line, so the next entry starts on its own
        writer.Flush();
        return new AnalysisCache(writer, previous);
    }

    public void Append(PhotoOutcome outcome)
    {
        var line = JsonSerializer.Serialize(outcome, DatasetManifest.JsonOptions);
        lock (_lock)
        {
            _writer.WriteLine(line);
            _writer.Flush();
        }
    }

    private static bool ReadInto(string path, string settings, Dictionary<string, PhotoOutcome> outcomes)
    {
        using var reader = new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
        if (reader.ReadLine() is not { } first || !Matches(first, settings)) return false;
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0) continue;
            try
            {
                if (JsonSerializer.Deserialize<PhotoOutcome>(line, DatasetManifest.JsonOptions) is { Photo: not null } outcome
                    && (outcome.Analysis is not null || outcome.Dropped is not null))
                    outcomes[outcome.Photo] = outcome;
            }
            catch (JsonException)
            {
                // a line cut short by a killed run: that photo is simply done again
            }
        }
        return true;
    }

    private static bool Matches(string line, string settings)
    {
        try
        {
            return JsonSerializer.Deserialize<Header>(line, DatasetManifest.JsonOptions) is { Format: Format } header && header.Settings == settings;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    public void Dispose() => _writer.Dispose();
}
