using PortraitBooth.Inference.Conditioning;
using PortraitBooth.Inference.Sampling;

namespace PortraitBooth.Inference.Tests.Sampling;

public sealed class SubjectValidationTests(PipelineFixture fixture) : IClassFixture<PipelineFixture>
{
    private const string TwoPeople = "a photo of a man and a woman";

    private GenerationRequest Two(params SubjectBox[] boxes) =>
        fixture.Request(TwoPeople, fixture.SyntheticFace(1), fixture.SyntheticFace(2)) with { Boxes = boxes.Length == 0 ? null : boxes };

    public static TheoryData<SubjectBox[], string> BadBoxes => new()
    {
        { [new(0, 0, 64, 128)], "boxes: 1 given for 2 face(s)" },
        { [new(0, 0, 64, 128), new(64, 0, 64, 128), new(0, 0, 8, 8)], "boxes: 3 given for 2 face(s)" },
        { [new(0, 0, 70, 128), new(64, 0, 64, 128)], "boxes[0] (0,0,70,128) and boxes[1] (64,0,64,128) overlap" },
        { [new(0, 0, 64, 64), new(32, 32, 64, 64)], "boxes[0] (0,0,64,64) and boxes[1] (32,32,64,64) overlap" },
        { [new(-8, 0, 64, 128), new(64, 0, 64, 128)], "boxes[0] (-8,0,64,128) lies outside the 128x128 canvas" },
        { [new(0, 0, 64, 128), new(72, 0, 64, 128)], "boxes[1] (72,0,64,128) lies outside the 128x128 canvas" },
        { [new(0, 0, 64, 129), new(64, 0, 64, 128)], "boxes[0] (0,0,64,129) lies outside the 128x128 canvas" },
        { [new(0, 0, 64, 128), new(64, 0, 0, 128)], "boxes[1] (64,0,0,128) is empty: width and height must be at least 8 px" },
        { [new(0, 0, 64, 128), new(64, 0, 64, 7)], "boxes[1] (64,0,64,7) is empty" },
    };

    [Theory]
    [MemberData(nameof(BadBoxes))]
    public void Bad_boxes_are_refused_naming_the_box(SubjectBox[] boxes, string message)
    {
        var error = Assert.Throws<InvalidRequestException>(() => fixture.Pipeline.Check(Two(boxes)));
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void Touching_boxes_are_accepted()
    {
        fixture.Pipeline.Check(Two(new SubjectBox(0, 0, 64, 128), new SubjectBox(64, 0, 64, 128)));
    }

    [Fact]
    public void More_subjects_than_the_limit_are_refused_and_the_limit_is_configurable()
    {
        const string five = "a man, a woman, a man, a woman and a man";
        var faces = Enumerable.Range(1, 5).Select(fixture.SyntheticFace).ToArray();
        var error = Assert.Throws<InvalidRequestException>(() => fixture.Pipeline.Check(fixture.Request(five, faces)));
        Assert.Contains("faces: at most 4 subjects per image, got 5", error.Message);

        var wider = new PortraitPipeline(fixture.Pack, fixture.Pipeline.Tokenizer, new SamplingLimits(MaxSubjects: 5));
        wider.Check(fixture.Request(five, faces));
        var narrower = new PortraitPipeline(fixture.Pack, fixture.Pipeline.Tokenizer, new SamplingLimits(MaxSubjects: 1));
        error = Assert.Throws<InvalidRequestException>(() => narrower.Check(Two()));
        Assert.Contains("faces: at most 1 subjects per image, got 2", error.Message);
    }

    [Theory]
    [InlineData(new[] { "happy" }, "expressions: 1 given for 2 face(s)")]
    [InlineData(new[] { "happy", "grumpy" }, "expressions[1]: 'grumpy' is not an expression word of this pack (happy, sad,")]
    [InlineData(new[] { "", "sad" }, "expressions[0]: '' is not an expression word")]
    public void Bad_expressions_are_refused_naming_the_face_and_the_word(string[] expressions, string message)
    {
        var error = Assert.Throws<InvalidRequestException>(() => fixture.Pipeline.Check(Two() with { Expressions = expressions }));
        Assert.Contains(message, error.Message);
    }

    [Theory]
    [InlineData("a photo of a man", 2, "has 1 identity token ('man' at 5) but 2 faces were given")]
    [InlineData("a photo of a man and a woman and a man", 2, "has 3 identity tokens")]
    public void An_identity_token_count_that_differs_from_the_faces_is_refused(string prompt, int faces, string message)
    {
        var request = fixture.Request(prompt, Enumerable.Range(1, faces).Select(fixture.SyntheticFace).ToArray());
        var error = Assert.Throws<IdentityCountException>(() => fixture.Pipeline.Check(request));
        Assert.Contains(message, error.Message);
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void A_bootstrap_fraction_outside_0_to_1_is_refused(double fraction)
    {
        var error = Assert.Throws<InvalidRequestException>(() => fixture.Pipeline.Check(Two() with { BootstrapFraction = fraction }));
        Assert.Contains("bootstrap fraction must be between 0 and 1", error.Message);
    }

    [Theory]
    [InlineData(2, 512, 512)]
    [InlineData(3, 512, 512)]
    [InlineData(4, 64, 64)]
    public void Default_boxes_are_one_centred_column_each_and_pass_the_checks(int count, int width, int height)
    {
        var boxes = SubjectLayout.DefaultBoxes(count, width, height);
        Assert.Equal(count, boxes.Count);
        for (var k = 0; k < count; k++)
        {
            var column = (double)width / count;
            Assert.InRange(boxes[k].X + boxes[k].Width / 2.0, column * (k + 0.5) - 1, column * (k + 0.5) + 1);
            Assert.InRange(boxes[k].Width, column * 0.9 - 1, column * 0.9 + 1);
            Assert.InRange(boxes[k].Height, height * 0.8 - 1, height * 0.8 + 1);
        }
        var faces = Enumerable.Range(1, count).Select(_ => fixture.SyntheticFace(1)).ToArray();
        var request = fixture.Request("a man", faces) with { Width = width, Height = height, Boxes = boxes };
        RequestLimits.Check(request, fixture.Pack.Manifest);
    }

    [Fact]
    public void Two_default_boxes_are_45_percent_wide_and_80_percent_high_in_their_halves()
    {
        Assert.Equal([new SubjectBox(13, 51, 230, 410), new SubjectBox(269, 51, 230, 410)], SubjectLayout.DefaultBoxes(2, 512, 512));
    }
}
