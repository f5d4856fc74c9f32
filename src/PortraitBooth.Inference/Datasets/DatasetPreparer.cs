using System.Collections.Concurrent;
using System.Diagnostics;
using PortraitBooth.Inference.Faces;
using PortraitBooth.Inference.Packs;
using PortraitBooth.Inference.Text;

namespace PortraitBooth.Inference.Datasets;

/// <summary>What <c>dataset prepare</c> was asked for.</summary>
/// <param name="Threads">Photos analysed at once (1 or 2).</param>
public sealed record DatasetRequest(
    string PhotosDirectory,
    string OutputDirectory,
    int Seed = 1,
    int TestPeople = 30,
    int ValidationPeople = 15,
    int Threads = 2,
    DatasetThresholds? Thresholds = null);

/// <summary>The pack-side vocabulary the captions are written in: the tokenizer, its ids, the identity and expression words.</summary>
public sealed record DatasetVocabulary(ClipTokenizer Tokenizer, TokenizerSpec Spec, IReadOnlyList<string> IdentityWords, IReadOnlyList<string> ExpressionWords);

/// <summary>
/// Prepares a training dataset from a photo folder (docs/dataset.md): every photo analysed once (resuming from
/// <see cref="AnalysisCache"/> and skipping photos whose crop and mask exist), then the per-person steps — gender
/// majority, captions, split — and the files: eval folders, dropped.tsv, and manifest.json last.
/// </summary>
public sealed class DatasetPreparer(FaceModels models, DatasetVocabulary vocabulary, Action<string> log)
{
    public const int CropSize = 128;
    public const int MaxThreads = 2;
    public static AlignmentTemplate Template => AlignmentTemplate.Portrait128;
    public static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(15);

    public DatasetManifest Prepare(DatasetRequest request, CancellationToken cancellationToken = default)
    {
        if (request.Threads is < 1 or > MaxThreads) throw new ArgumentException($"--threads must be 1 or {MaxThreads}, not {request.Threads}");
        if (request.TestPeople < 1 || request.ValidationPeople < 0) throw new ArgumentException("--test-people must be at least 1 and --validation-people at least 0");
        var thresholds = request.Thresholds ?? DatasetThresholds.Default;
        var source = PhotoIdentities.Read(request.PhotosDirectory);
        var output = Path.GetFullPath(request.OutputDirectory);
        if (output.StartsWith(source.Directory + Path.DirectorySeparatorChar, StringComparison.Ordinal) || output == source.Directory)
            throw new ArgumentException($"the output folder {output} must not lie inside the photo folder {source.Directory}");
        Directory.CreateDirectory(output);

        var outcomes = Analyse(source, output, thresholds, request.Threads, cancellationToken);
        var manifest = Assemble(source, output, request, thresholds, outcomes);
        foreach (var split in new[] { PersonSplit.Test, PersonSplit.Validation })
            EvaluationFolders.Write(output, split, manifest.Samples.Where(s => s.Split == split), source);
        // Crops of photos dropped only by the per-person check stay, so a re-run need not analyse them again.
        RemoveStaleCrops(output, outcomes.Values.Where(o => o.Analysis is not null).Select(o => o.Analysis!.Id).ToHashSet(StringComparer.Ordinal));
        File.WriteAllLines(Path.Combine(output, "dropped.tsv"), manifest.Dropped.Select(d => $"{d.Photo}\t{d.Reason}"));
        manifest.Write(Path.Combine(output, DatasetManifest.FileName));
        return manifest;
    }

    /// <summary>What the per-photo analysis depends on; a cache made under other settings is not reused.</summary>
    public string AnalysisSettings(DatasetThresholds thresholds) =>
        string.Join(';', $"{Template.Name}={Template.LeftEye},{Template.RightEye},{Template.Mouth}@{CropSize}", thresholds.AnalysisKey,
            string.Join(',', (models.Manifest?.Files ?? new Dictionary<string, string>()).OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => $"{f.Key}:{f.Value}")));

    private Dictionary<string, PhotoOutcome> Analyse(PhotoIdentities source, string output, DatasetThresholds thresholds, int threads, CancellationToken cancellationToken)
    {
        var ids = source.Ids();
        using var cache = AnalysisCache.Open(output, AnalysisSettings(thresholds));
        var outcomes = new ConcurrentDictionary<string, PhotoOutcome>(StringComparer.Ordinal);
        var pending = new List<string>();
        var previous = cache.Previous.Count > 0 ? cache.Previous : FromPreviousManifest(output, thresholds);
        foreach (var photo in source.AllPhotos)
        {
            if (!source.PersonOf.ContainsKey(photo)) outcomes[photo] = PhotoOutcome.Drop(photo, DropReasons.NoIdentity);
            else if (previous.TryGetValue(photo, out var done) && IsComplete(done, output)) outcomes[photo] = done;
            else pending.Add(photo);
        }
        log($"{source.AllPhotos.Count} photos of {source.PersonOf.Values.Distinct().Count()} people in {source.Directory}; " +
            $"{source.AllPhotos.Count - pending.Count} done before, analysing {pending.Count} with {threads} thread(s)");

        var clock = Stopwatch.StartNew();
        var processor = new PhotoProcessor(models, thresholds, Template, CropSize);
        var (finished, kept) = (0, 0);
        void Progress()
        {
            var done = Volatile.Read(ref finished);
            var rate = done / Math.Max(clock.Elapsed.TotalSeconds, 1e-3);
            var eta = rate > 0 ? TimeSpan.FromSeconds((pending.Count - done) / rate) : TimeSpan.Zero;
            log($"analysed {done}/{pending.Count} photos ({Volatile.Read(ref kept)} kept), {rate:F2} photos/s, {clock.Elapsed:hh\\:mm\\:ss} elapsed, about {eta:hh\\:mm\\:ss} to go");
        }
        using (new Timer(_ => Progress(), null, ProgressInterval, ProgressInterval))
        {
            Parallel.ForEach(pending, new ParallelOptions { MaxDegreeOfParallelism = threads, CancellationToken = cancellationToken }, photo =>
            {
                var outcome = ProcessSafely(processor, source, photo, ids[photo], output);
                cache.Append(outcome);
                outcomes[photo] = outcome;
                if (outcome.Analysis is not null) Interlocked.Increment(ref kept);
                Interlocked.Increment(ref finished);
            });
        }
        if (pending.Count > 0) Progress();
        return new Dictionary<string, PhotoOutcome>(outcomes, StringComparer.Ordinal);
    }

    /// <summary>
    /// Without a cache (deleted, or written by other settings), a finished run's manifest still holds every
    /// analysis: reused when it was made with this template, these thresholds and this recognizer.
    /// </summary>
    private IReadOnlyDictionary<string, PhotoOutcome> FromPreviousManifest(string output, DatasetThresholds thresholds)
    {
        var path = Path.Combine(output, DatasetManifest.FileName);
        if (!File.Exists(path)) return new Dictionary<string, PhotoOutcome>();
        DatasetManifest previous;
        try
        {
            previous = DatasetManifest.Read(path);
        }
        catch (InvalidDataException e)
        {
            log($"not reusing {path}: {e.Message}");
            return new Dictionary<string, PhotoOutcome>();
        }
        if (previous.Crop.Template != Template.Name || previous.Crop.Size != CropSize || previous.Thresholds.AnalysisKey != thresholds.AnalysisKey
            || previous.FaceEncoder.Sha256 != RecognizerSha256())
            return new Dictionary<string, PhotoOutcome>();
        var outcomes = previous.Dropped.Where(d => d.Reason is not (DropReasons.NoIdentity or DropReasons.UnlikePerson)).ToDictionary(d => d.Photo, d => new PhotoOutcome(d.Photo, null, d));
        foreach (var s in previous.Samples)
            outcomes[s.Photo] = PhotoOutcome.Kept(new PhotoAnalysis(s.Photo, s.Id, s.FacesFound, s.FaceBox, s.DetectionScore, s.OutsideFraction,
                s.Landmarks, s.Embedding, s.Gender == vocabulary.IdentityWords[0] ? s.GenderProbability : 1 - s.GenderProbability,
                s.Age, s.EyeToMouth, s.Expressions));
        return outcomes;
    }

    private string RecognizerSha256() =>
        models.Manifest?.Files.GetValueOrDefault(FaceModels.RecognizerFile) ?? PackFiles.Sha256Of(Path.Combine(models.Directory, FaceModels.RecognizerFile));

    private static bool IsComplete(PhotoOutcome outcome, string output) =>
        outcome.Analysis is not { } analysis
        || (File.Exists(PhotoProcessor.CropPath(output, analysis.Id)) && File.Exists(PhotoProcessor.MaskPath(output, analysis.Id)));

    /// <summary>
    /// A photo that breaks the analysis in a way nobody foresaw is reported as dropped with the error, rather
    /// than ending a run of thousands; the summary shows how many.
    /// </summary>
    private static PhotoOutcome ProcessSafely(PhotoProcessor processor, PhotoIdentities source, string photo, string id, string output)
    {
        try
        {
            return processor.Process(Path.Combine(source.PhotosDirectory, photo), photo, id, output);
        }
        catch (Exception e) when (e is not (OutOfMemoryException or OperationCanceledException))
        {
            return PhotoOutcome.Drop(photo, DropReasons.AnalysisFailed, $"{e.GetType().Name}: {e.Message}");
        }
    }

    private DatasetManifest Assemble(PhotoIdentities source, string output, DatasetRequest request, DatasetThresholds thresholds,
        IReadOnlyDictionary<string, PhotoOutcome> outcomes)
    {
        var analysed = outcomes.Values.Where(o => o.Analysis is not null).Select(o => o.Analysis!).ToList();
        var unlike = UnlikeTheirPerson(analysed, source, thresholds.MaxIdentityDistance);
        var kept = analysed.Where(a => !unlike.ContainsKey(a.Photo)).OrderBy(a => a.Photo, StringComparer.Ordinal).ToList();
        var dropped = outcomes.Values.Where(o => o.Dropped is not null).Select(o => o.Dropped!).Concat(unlike.Values)
            .OrderBy(d => d.Photo, StringComparer.Ordinal).ToList();
        var byPerson = kept.GroupBy(a => source.PersonOf[a.Photo]).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);

        // A CelebA identity is one person: their class word is the majority of their photos' probabilities.
        var (man, woman) = (vocabulary.IdentityWords[0], vocabulary.IdentityWords[1]);
        var isMale = byPerson.ToDictionary(p => p.Key, p => p.Value.Average(a => a.MaleProbability) > 0.5f, StringComparer.Ordinal);
        var splits = PersonSplit.Assign(byPerson.ToDictionary(p => p.Key, p => p.Value.Count), request.Seed, request.TestPeople, request.ValidationPeople);
        var captions = new CaptionTemplates(vocabulary.Tokenizer, vocabulary.ExpressionWords, thresholds.ExpressionConfidence);

        var samples = kept.Select(a =>
        {
            var person = source.PersonOf[a.Photo];
            var male = isMale[person];
            var gender = male ? man : woman;
            return new DatasetSample(a.Id, a.Photo, person, splits[person],
                $"crops/{a.Id}.png", $"masks/{a.Id}.png", a.FacesFound, a.FaceBox, a.DetectionScore, a.OutsideFraction,
                a.Landmarks, a.Embedding, gender, male ? a.MaleProbability : 1 - a.MaleProbability, a.Age, a.EyeToMouth,
                a.Expressions, captions.For(gender, a.Expressions));
        }).ToList();

        var people = (string split) => splits.Values.Count(s => s == split);
        return new DatasetManifest(
            DatasetManifest.CurrentFormat,
            Path.GetFileName(output),
            SourceDescription.Read(source.Directory),
            new DatasetCrop(CropSize, Template.Name, Pair(Template.LeftEye), Pair(Template.RightEye), Pair(Template.Mouth)),
            new DatasetFaceEncoder(AlignmentTemplate.Dlib150.Name, models.Recognizer.DescriptorLength, RecognizerSha256()),
            vocabulary.IdentityWords,
            vocabulary.ExpressionWords,
            new DatasetTokenizer(vocabulary.Spec.MaxLength, vocabulary.Spec.BosId, vocabulary.Spec.EosId, vocabulary.Spec.PadId,
                [.. vocabulary.Tokenizer.Tokenize("").Ids]),
            thresholds,
            new DatasetSplit(request.Seed, people(PersonSplit.Train), people(PersonSplit.Validation), people(PersonSplit.Test)),
            new DatasetCounts(outcomes.Count, kept.Count, dropped.Count,
                dropped.GroupBy(d => d.Reason).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
                    .ToDictionary(g => g.Key, g => g.Count())),
            samples,
            dropped);
    }

    /// <summary>
    /// Photos whose median descriptor distance to the same person's other photos exceeds <paramref name="maxDistance"/>,
    /// among people with three or more (with two, neither can be told to be the odd one).
    /// </summary>
    private static Dictionary<string, DroppedPhoto> UnlikeTheirPerson(IReadOnlyList<PhotoAnalysis> analysed, PhotoIdentities source, float maxDistance)
    {
        var unlike = new Dictionary<string, DroppedPhoto>(StringComparer.Ordinal);
        foreach (var person in analysed.GroupBy(a => source.PersonOf[a.Photo]).Where(g => g.Count() >= 3))
            foreach (var photo in person)
            {
                var distances = person.Where(o => !ReferenceEquals(o, photo)).Select(o => IdentityMetrics.Distance(photo.Embedding, o.Embedding)).Order().ToList();
                var median = distances.Count % 2 == 1 ? distances[distances.Count / 2] : (distances[distances.Count / 2 - 1] + distances[distances.Count / 2]) / 2;
                if (median > maxDistance)
                    unlike[photo.Photo] = new DroppedPhoto(photo.Photo, DropReasons.UnlikePerson,
                        $"median distance {median:F2} to {distances.Count} other photos of {person.Key}, over {maxDistance}");
            }
        return unlike;
    }

    private static float[] Pair(SixLabors.ImageSharp.PointF p) => [p.X, p.Y];

    /// <summary>Crops and masks of photos that an earlier run kept and this one does not (other thresholds, a changed folder).</summary>
    private static void RemoveStaleCrops(string output, IReadOnlySet<string> keptIds)
    {
        foreach (var folder in new[] { "crops", "masks" }.Select(f => Path.Combine(output, f)).Where(Directory.Exists))
            foreach (var file in Directory.EnumerateFiles(folder, "*.png"))
                if (!keptIds.Contains(Path.GetFileNameWithoutExtension(file))) File.Delete(file);
    }
}
