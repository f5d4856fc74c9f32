using PortraitBooth.Inference.Evaluation;
using PortraitBooth.Inference.Faces;
using PortraitBooth.Inference.Images;
using PortraitBooth.Testing;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace PortraitBooth.Inference.Tests.Evaluation;

/// <summary>The evaluation measures on real photos of ../shared/data/identities, with face-api's converted networks.</summary>
public sealed class PortraitScorerTests(ConvertedFaceModels converted, ITestOutputHelper output) : IDisposable
{
    private static readonly string[] People = ["george_clooney", "jennifer_aniston", "mark_zuckerberg", "katy_perry", "matt_damon"];

    private readonly FaceModels _models = FaceModels.Open(converted.Directory);
    private PortraitScorer Scorer => new(new FaceAnalyzer(_models));

    /// <summary>
    /// "Well above": at least 0.15 over the best of the other people, for each of five people (the recognizer's
    /// second photos of the same person score 0.52–0.92 here, other people 0.05–0.38).
    /// </summary>
    [Fact]
    public void A_second_photo_of_the_same_person_scores_well_above_photos_of_other_people()
    {
        var scorer = Scorer;
        var results = People.Select(person =>
        {
            var reference = Reference(scorer, person, 1);
            var same = ScoreOf(scorer, person, 2, [reference]).Identity;
            var others = People.Where(p => p != person).Select(other => ScoreOf(scorer, other, 2, [reference]).Identity).ToList();
            output.WriteLine($"{person}: same {same:F3}, others {string.Join(" ", others.Select(o => o.ToString("F3")))}");
            return (person, same, bestOther: others.Max());
        }).ToList();
        Assert.All(results, r => Assert.True(r.same >= r.bestOther + 0.15f, $"{r.person}: same person {r.same:F3}, best other {r.bestOther:F3}"));
    }

    [Fact]
    public void Swapped_subjects_in_a_two_face_image_are_matched_to_their_own_faces()
    {
        var scorer = Scorer;
        var (clooney, aniston) = (Reference(scorer, "george_clooney", 1), Reference(scorer, "jennifer_aniston", 1));
        using var pair = SideBySide(Photo("george_clooney", 2), Photo("jennifer_aniston", 2));

        var inOrder = scorer.Score(pair, [clooney, aniston]);
        var swapped = scorer.Score(pair, [aniston, clooney]);
        var faces = new FaceAnalyzer(_models).Analyze(pair, withExpressions: false);
        output.WriteLine($"in order {inOrder}, swapped {swapped}");

        Assert.Equal(2, inOrder.FacesFound);
        Assert.Equal(["left", "right"], inOrder.Matches.Select(m => Side(faces[m.Face], pair.Width)));
        Assert.Equal(["right", "left"], swapped.Matches.Select(m => Side(faces[m.Face], pair.Width)));
        Assert.Equal(inOrder.Identity, swapped.Identity, 1e-6f);
        Assert.Equal(inOrder.Matches.Min(m => m.Similarity), inOrder.Identity);
        Assert.True(inOrder.Identity > 0.3f, $"min matched similarity {inOrder.Identity:F3}");

        // A third reference has no face left: it counts 0, and the image's score is that minimum.
        var threeReferences = scorer.Score(pair, [clooney, aniston, Reference(scorer, "matt_damon", 1)]);
        Assert.Equal(-1, threeReferences.Matches[2].Face);
        Assert.Equal(0f, threeReferences.Identity);
    }

    [Fact]
    public void A_faceless_image_scores_zero_for_identity_and_expression()
    {
        var scorer = Scorer;
        var reference = Reference(scorer, "george_clooney", 1);
        using var plain = new Image<Rgb24>(256, 256, new Rgb24(120, 160, 200));
        using var noise = Noise(256, 256);
        foreach (var image in new[] { plain, noise })
        {
            var score = scorer.Score(image, [reference], "happy");
            Assert.Equal(0, score.FacesFound);
            Assert.Equal(0f, score.Identity);
            Assert.Equal(0f, score.Expression);
            Assert.Equal(-1, Assert.Single(score.Matches).Face);
        }
    }

    [Fact]
    public void Expression_is_the_probability_of_the_class_the_word_maps_to_on_the_largest_face()
    {
        var scorer = Scorer;
        using var photo = Photo("katy_perry", 1);
        var largest = new FaceAnalyzer(_models).Analyze(photo)[0].Expressions!;
        var reference = Reference(scorer, "katy_perry", 2);
        Assert.Equal(largest.Happy, scorer.Score(photo, [reference], "smiling").Expression);
        Assert.Equal(largest.Sad, scorer.Score(photo, [reference], "crying").Expression);
        Assert.Equal(largest.Surprised, scorer.Score(photo, [reference], "shocked").Expression);
        Assert.Throws<ArgumentException>(() => scorer.Score(photo, [reference], "bored"));
    }

    /// <summary>Every emotion word of the shared expression prompts has a class, and nothing else is in the table.</summary>
    [Fact]
    public void The_expression_table_covers_exactly_the_eleven_words_of_the_expression_prompts()
    {
        var words = EvaluationPrompt.Read(SharedData.Require("eval", "prompts-expression.txt")).Select(p => p.Category).ToList();
        Assert.Equal(11, words.Count);
        Assert.Equal(words.Order(), ExpressionWords.ClassOf.Keys.Order());
        Assert.All(ExpressionWords.ClassOf.Values, label => Assert.Contains(label, FaceExpressions.Labels));
    }

    private float[] Reference(PortraitScorer scorer, string person, int number)
    {
        using var photo = Photo(person, number);
        return scorer.Describe(photo, $"{person}/{number}.jpg");
    }

    private PortraitScore ScoreOf(PortraitScorer scorer, string person, int number, IReadOnlyList<float[]> references)
    {
        using var photo = Photo(person, number);
        return scorer.Score(photo, references);
    }

    private static Image<Rgb24> Photo(string person, int number) =>
        ImageDecoding.LoadRgb(SharedData.Require("data", "identities", person, $"{number}.jpg"));

    /// <summary>Both photos scaled to one height and pasted left and right; the inputs are disposed.</summary>
    private static Image<Rgb24> SideBySide(Image<Rgb24> left, Image<Rgb24> right)
    {
        const int height = 480;
        using (left)
        using (right)
        {
            foreach (var photo in new[] { left, right }) photo.Mutate(x => x.Resize(0, height));
            var pair = new Image<Rgb24>(left.Width + right.Width, height);
            pair.Mutate(x => x.DrawImage(left, new Point(0, 0), 1f).DrawImage(right, new Point(left.Width, 0), 1f));
            return pair;
        }
    }

    private static string Side(AnalyzedFace face, int width) => face.Box.X + face.Box.Width / 2 < width / 2f ? "left" : "right";

    private static Image<Rgb24> Noise(int width, int height)
    {
        var random = new Random(7);
        var image = new Image<Rgb24>(width, height);
        image.ProcessPixelRows(rows =>
        {
            for (var y = 0; y < rows.Height; y++)
                foreach (ref var pixel in rows.GetRowSpan(y)) pixel = new Rgb24((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256));
        });
        return image;
    }

    public void Dispose() => _models.Dispose();
}
