using System.Globalization;
using PortraitBooth.Inference.Evaluation;
using PortraitBooth.Inference.Faces;
using PortraitBooth.Inference.Images;
using PortraitBooth.Testing;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace PortraitBooth.Cli.Tests;

/// <summary>
/// <c>eval run</c> end to end on the tiny pack with a few prompts, people and steps, and <c>eval score</c> on real
/// photos, as processes. The tiny pack's pictures are noise-like, so its identity scores are about 0: these tests
/// check the structure and that every score is the face analysis of the written image, not the quality.
/// </summary>
public sealed class EvalCommandTests : IClassFixture<CliFixture>
{
    private const int Cell = 128, Gap = 4;
    private readonly CliFixture fixture;

    public EvalCommandTests(CliFixture fixture)
    {
        this.fixture = fixture;
        fixture.UseFaceModels();
    }

    [Fact]
    public void Eval_run_writes_both_image_sets_a_table_per_category_and_a_contact_sheet_of_analyzer_scores()
    {
        var identities = SharedData.Require("data", "identities");
        var output = fixture.NewPath("eval");
        var result = fixture.Run("eval", "run", "--identities", identities, "--prompts", FirstPromptPerCategory("prompts-single.txt", 3),
            "--people", "2", "--steps", "2", "--out", output);
        Assert.True(result.ExitCode == 0, result.ToString());

        var table = Table(File.ReadAllText(Path.Combine(output, "report.md")));
        Assert.Equal(["accessory", "style", "action", "overall"], table.Keys);
        Assert.Equal(["2", "2", "2", "6"], table.Values.Select(row => row["images"]));
        Assert.All(table.Values, row => Assert.Equal("n/a — no CLIP pack", row["prompt consistency"]));
        Assert.All(table.Values, row => Assert.True(Number(row["s/image"]) > 0));
        Assert.Contains("| overall | 6 |", result.Stdout);
        Assert.Matches(@"time: \d+\.\d+ s in all; generation \d+\.\d+ s \(12 images\)", result.Stdout);

        var items = EvaluationManifest.Read(Path.Combine(output, "identity"));
        Assert.Equal(6, items.Count);
        // Scored against each person's second photo: the first conditioned generation.
        Assert.Equal(["angelina_jolie/2.jpg", "george_clooney/2.jpg"], items.Take(2).Select(i => Assert.Single(i.References)));
        Assert.All(table.Values, row => Assert.InRange(Number(row["face found"]), 0, 1));
        Assert.Contains("scored against a held-back photo of each person", File.ReadAllText(Path.Combine(output, "report.md")));
        Assert.Equal(File.ReadAllText(Path.Combine(output, "identity", "images.tsv")), File.ReadAllText(Path.Combine(output, "baseline", "images.tsv")));
        foreach (var item in items)
        {
            using var conditioned = ImageDecoding.LoadRgb(Path.Combine(output, "identity", item.Image));
            Assert.Equal((128, 128), (conditioned.Width, conditioned.Height));
            Assert.NotEqual(File.ReadAllBytes(Path.Combine(output, "identity", item.Image)), File.ReadAllBytes(Path.Combine(output, "baseline", item.Image)));
        }
        AssertSheet(output, columns: 3, rows: 6);

        // Each category's cells are the means of the analyzer's own similarities for the written images.
        using var models = FaceModels.Open(fixture.FaceModels);
        var analyzer = new FaceAnalyzer(models);
        foreach (var (column, folder, mirrored) in new[] { ("identity", "identity", false), ("baseline identity", "baseline", false), ("identity mirrored", "identity", true) })
            foreach (var (category, row) in table)
            {
                var group = items.Where(i => category == "overall" || i.Category == category);
                var expected = group.Average(i => LargestFaceSimilarity(analyzer, Path.Combine(output, folder, i.Image), Path.Combine(identities, i.References[0]), mirrored));
                Assert.Equal(expected, Number(row[column]), 0.0006);
            }
    }

    [Fact]
    public void Eval_run_multi_pairs_neighbouring_people_in_both_orders()
    {
        var output = fixture.NewPath("eval-multi");
        var result = fixture.Run("eval", "run", "--identities", SharedData.Require("data", "identities"), "--multi",
            "--prompts", FirstPromptPerCategory("prompts-multi.txt", 1), "--people", "2", "--steps", "2", "--width", "256", "--height", "128",
            "--out", output);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("2 steps, guidance", result.Stdout);
        Assert.Contains("256x128", result.Stdout);

        Assert.Contains("a painting of a woman and a man together", result.Stderr);
        Assert.Contains("a painting of a man and a woman together", result.Stderr);
        var items = EvaluationManifest.Read(Path.Combine(output, "identity"));
        Assert.Equal([["angelina_jolie/2.jpg", "george_clooney/2.jpg"], ["george_clooney/2.jpg", "angelina_jolie/2.jpg"]], items.Select(i => i.References));
        var overall = Table(File.ReadAllText(Path.Combine(output, "report.md")))["overall"];
        Assert.InRange(Number(overall["identity (min matched)"]), -1, 1);
        Assert.InRange(Number(overall["identity (min matched) mirrored"]), -1, 1);
        foreach (var item in items)
        {
            using var image = ImageDecoding.LoadRgb(Path.Combine(output, "identity", item.Image));
            Assert.Equal((256, 128), (image.Width, image.Height));
        }
        AssertSheet(output, columns: 4, rows: 2);
    }

    [Fact]
    public void Eval_run_with_seeds_makes_that_many_samples_per_prompt_and_person_and_counts_faces_found()
    {
        var identities = SharedData.Require("data", "identities");
        var output = fixture.NewPath("eval-seeds");
        var result = fixture.Run("eval", "run", "--identities", identities, "--prompts", PortraitPrompts(limit: 1),
            "--people", "2", "--seeds", "3", "--steps", "2", "--seed", "10", "--out", output);
        Assert.True(result.ExitCode == 0, result.ToString());

        var items = EvaluationManifest.Read(Path.Combine(output, "identity"));
        Assert.Equal(6, items.Count);
        Assert.Equal(["angelina_jolie/2.jpg", "angelina_jolie/2.jpg", "angelina_jolie/2.jpg", "george_clooney/2.jpg", "george_clooney/2.jpg", "george_clooney/2.jpg"],
            items.Select(i => Assert.Single(i.References)));
        // Each seed draws its own picture of the same prompt and person.
        var firstPerson = items.Take(3).Select(i => Convert.ToHexString(File.ReadAllBytes(Path.Combine(output, "identity", i.Image)))).ToList();
        Assert.Equal(3, firstPerson.Distinct().Count());
        var report = File.ReadAllText(Path.Combine(output, "report.md"));
        Assert.Contains("3 seed(s) per prompt and subject, seeds 10…15", report);

        // The face-found cell is the share of written images in which the analyzer finds a face.
        using var models = FaceModels.Open(fixture.FaceModels);
        var analyzer = new FaceAnalyzer(models);
        foreach (var (column, folder) in new[] { ("face found", "identity"), ("baseline face found", "baseline") })
        {
            var found = items.Average(i =>
            {
                using var image = ImageDecoding.LoadRgb(Path.Combine(output, folder, i.Image));
                return analyzer.Analyze(image, withExpressions: false).Count > 0 ? 1.0 : 0.0;
            });
            Assert.Equal(found, Number(Table(report)["overall"][column]), 0.0006);
        }
    }

    [Fact]
    public void Eval_run_expression_scores_the_asked_emotion_per_word()
    {
        var output = fixture.NewPath("eval-expression");
        var prompts = SharedData.Require("eval", "prompts-expression.txt");
        var result = fixture.Run("eval", "run", "--identities", SharedData.Require("data", "identities"), "--expression",
            "--prompts", prompts, "--limit", "2", "--people", "1", "--steps", "2", "--out", output);
        Assert.True(result.ExitCode == 0, result.ToString());

        var table = Table(File.ReadAllText(Path.Combine(output, "report.md")));
        Assert.Equal(["happy", "sad", "overall"], table.Keys);
        Assert.All(table.Values, row => Assert.InRange(Number(row["expression"]), 0, 1));
        Assert.All(table.Values, row => Assert.InRange(Number(row["baseline expression"]), 0, 1));
        Assert.All(table.Values, row => Assert.InRange(Number(row["control expression"]), 0, 1));
        Assert.Equal(["happy", "sad"], EvaluationManifest.Read(Path.Combine(output, "identity")).Select(i => i.Expression));
        // The control: the same person and seed, the prompt without its emotion word (so another picture).
        Assert.Contains("control 'a photo of a woman'", result.Stderr);
        var controls = EvaluationManifest.Read(Path.Combine(output, "control"));
        Assert.Equal(["happy", "sad"], controls.Select(i => i.Expression));
        Assert.All(controls, c => Assert.NotEqual(File.ReadAllBytes(Path.Combine(output, "identity", c.Image)), File.ReadAllBytes(Path.Combine(output, "control", c.Image))));
        Assert.Matches(@"generation \d+\.\d+ s \(6 images\)", result.Stdout);
        AssertSheet(output, columns: 4, rows: 2);
    }

    [Fact]
    public void Eval_score_ranks_the_same_person_above_another_and_a_faceless_image_at_zero()
    {
        var images = fixture.NewPath("scored");
        Directory.CreateDirectory(images);
        File.Copy(SharedData.Require("data", "identities", "george_clooney", "2.jpg"), Path.Combine(images, "clooney.jpg"));
        File.Copy(fixture.FacelessPhoto, Path.Combine(images, "faceless.png"));
        File.WriteAllLines(Path.Combine(images, "images.tsv"),
        [
            "image\tcategory\treferences",
            "clooney.jpg\tsame\tgeorge_clooney/1.jpg",
            "clooney.jpg\tother\tmatt_damon/1.jpg",
            "faceless.png\tfaceless\tgeorge_clooney/1.jpg",
        ]);
        var result = fixture.Run("eval", "score", "--images", images, "--refs", SharedData.Require("data", "identities"));
        Assert.True(result.ExitCode == 0, result.ToString());

        var table = Table(result.Stdout);
        var (same, other) = (Number(table["same"]["identity"]), Number(table["other"]["identity"]));
        Assert.True(same >= other + 0.15, $"same {same}, other {other}");
        Assert.Equal("0.000", table["faceless"]["identity"]);
        Assert.Equal("1", table["faceless"]["no face found"]);
    }

    [Fact]
    public void Missing_folders_and_a_mismatched_prompt_file_are_error_lines_with_exit_2()
    {
        var missing = fixture.NewPath("no-such-folder");
        var score = fixture.Run("eval", "score", "--images", missing, "--refs", missing);
        Assert.Equal(2, score.ExitCode);
        Assert.Contains($"error: images folder '{missing}' does not exist", score.Stderr);

        var empty = fixture.NewPath("empty");
        Directory.CreateDirectory(empty);
        var noManifest = fixture.Run("eval", "score", "--images", empty, "--refs", empty);
        Assert.Equal(2, noManifest.ExitCode);
        Assert.Contains("images.tsv is missing", noManifest.Stderr);

        var run = fixture.Run("eval", "run", "--identities", missing, "--prompts", SharedData.Require("eval", "prompts-single.txt"), "--out", fixture.NewPath("out"));
        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"error: identities folder '{missing}' does not exist", run.Stderr);

        var noSeeds = fixture.Run("eval", "run", "--identities", SharedData.Require("data", "identities"), "--prompts", PortraitPrompts(limit: 1),
            "--seeds", "0", "--out", fixture.NewPath("out"));
        Assert.Equal(2, noSeeds.ExitCode);
        Assert.Contains("--seeds must be 1-64", noSeeds.Stderr);
    }

    /// <summary>The first prompts of the repository's eval/prompts-portrait.txt.</summary>
    private string PortraitPrompts(int limit)
    {
        var lines = File.ReadAllLines(Path.Combine(SharedData.RepoRoot, "eval", "prompts-portrait.txt")).Where(l => l.Length > 0 && !l.StartsWith('#')).Take(limit);
        var path = fixture.NewPath("prompts-portrait.txt");
        File.WriteAllLines(path, lines);
        return path;
    }

    /// <summary>A reduced prompt file: the first prompt of each of the first <paramref name="categories"/> categories.</summary>
    private string FirstPromptPerCategory(string file, int categories)
    {
        var lines = File.ReadAllLines(SharedData.Require("eval", file)).Where(l => l.Length > 0 && !l.StartsWith('#'))
            .GroupBy(l => l.Split('\t')[0]).Take(categories).Select(g => g.First());
        var path = fixture.NewPath(file);
        File.WriteAllLines(path, lines);
        return path;
    }

    /// <summary>The markdown table's rows by category, each row's cells by header.</summary>
    private static Dictionary<string, Dictionary<string, string>> Table(string markdown)
    {
        var lines = markdown.Split('\n').Where(l => l.StartsWith('|') && !l.StartsWith("|---")).Select(Cells).ToList();
        return lines.Skip(1).ToDictionary(cells => cells[0], cells => lines[0].Zip(cells).ToDictionary(p => p.First, p => p.Second));
    }

    private static double Number(string cell) => double.Parse(cell, CultureInfo.InvariantCulture);

    private static string[] Cells(string line) => [.. line.Trim().Trim('|').Split('|').Select(c => c.Trim())];

    private static void AssertSheet(string output, int columns, int rows)
    {
        using var sheet = ImageDecoding.LoadRgb(Path.Combine(output, "contact-sheet.png"));
        Assert.Equal((Gap + columns * (Cell + Gap), Gap + rows * (Cell + Gap)), (sheet.Width, sheet.Height));
    }

    /// <summary>The protocol's single-subject identity, computed here from the analyzer: largest face against the reference, 0 without one.</summary>
    private static double LargestFaceSimilarity(FaceAnalyzer analyzer, string image, string reference, bool mirrored = false)
    {
        using var output = ImageDecoding.LoadRgb(image);
        if (mirrored) output.Mutate(x => x.Flip(FlipMode.Horizontal));
        using var photo = ImageDecoding.LoadRgb(reference);
        var faces = analyzer.Analyze(output, withExpressions: false);
        var referenceDescriptor = analyzer.Largest(photo, reference, withExpressions: false).Face.Descriptor;
        return faces.Count == 0 ? 0 : analyzer.Models.Metrics.Similarity(referenceDescriptor, faces[0].Descriptor);
    }
}
