using System.Text.Json;
using PortraitBooth.Inference.Images;
using PortraitBooth.Testing;

namespace PortraitBooth.Cli.Tests;

public sealed class MultiSubjectGenerateTests : IClassFixture<CliFixture>
{
    private const string TwoPeople = "a photo of a man and a woman";
    private readonly CliFixture fixture;

    public MultiSubjectGenerateTests(CliFixture fixture)
    {
        this.fixture = fixture;
        fixture.UseFaceModels();
    }

    private string SecondFace => SharedData.Require("data", "identities", "matt_damon", "1.jpg");

    [Fact]
    public void Two_faces_with_boxes_and_expressions_write_the_image_with_one_unet_call_per_step_and_window_size()
    {
        var output = fixture.NewPath("two.png");
        var result = fixture.Run("generate", "--face", fixture.FacePhoto, "--face", SecondFace, "--prompt", TwoPeople,
            "--box", "0,16,64,96", "--box", "64,16,64,96", "--expression", "happy", "--expression", "none",
            "--steps", "3", "--seed", "5", "--out", output);

        Assert.True(result.ExitCode == 0, result.ToString());
        // round(0.4 · 3) = 1 bootstrapping step of 2 × 3 rows (two subjects and the background), then 2 steps of 3 + 1;
        // each step one call on the canvas and one on the subjects' 96×128 px windows (their boxes and context).
        Assert.Contains("U-Net 6 calls, 14 rows", result.Stdout);
        using var image = ImageDecoding.LoadRgb(output);
        Assert.Equal((128, 128), (image.Width, image.Height));
    }

    [Theory]
    [InlineData(new[] { "--box", "0,0,64" }, "--box '0,0,64' must be x,y,w,h: four integers in output pixels")]
    [InlineData(new[] { "--box", "0,0,64,128" }, "boxes: 1 given for 2 face(s)")]
    [InlineData(new[] { "--box", "0,0,80,128", "--box", "64,0,64,128" }, "boxes[0] (0,0,80,128) and boxes[1] (64,0,64,128) overlap")]
    [InlineData(new[] { "--box", "0,0,64,128", "--box", "96,0,64,128" }, "boxes[1] (96,0,64,128) lies outside the 128x128 canvas")]
    [InlineData(new[] { "--box", "0,0,64,128", "--box", "64,0,4,128" }, "boxes[1] (64,0,4,128) is empty")]
    [InlineData(new[] { "--expression", "happy", "--expression", "grumpy" }, "expressions[1]: 'grumpy' is not an expression word of this pack")]
    [InlineData(new[] { "--expression", "happy" }, "expressions: 1 given for 2 face(s)")]
    public void Bad_boxes_and_expressions_are_one_error_line_and_exit_2(string[] options, string message)
    {
        var result = fixture.Run(["generate", "--face", fixture.FacePhoto, "--face", SecondFace, "--prompt", TwoPeople,
            .. options, "--steps", "2", "--out", fixture.NewPath("out.png")]);
        result.AssertUsageError(message);
    }

    [Fact]
    public void More_faces_than_the_subject_limit_are_refused()
    {
        var faces = Enumerable.Repeat(new[] { "--face", fixture.FacePhoto }, 5).SelectMany(f => f);
        var result = fixture.Run(["generate", .. faces, "--prompt", "a man, a woman, a man, a woman and a man",
            "--steps", "2", "--out", fixture.NewPath("out.png")]);
        result.AssertUsageError("faces: at most 4 subjects per image, got 5");
    }

    [Fact]
    public void Tokenize_with_expressions_reports_the_prompt_as_sampled_with_its_expression_tokens()
    {
        var result = fixture.Run("tokenize", TwoPeople, "--expression", "none", "--expression", "sad");
        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.Stdout);
        var vocab = JsonSerializer.Deserialize<Dictionary<string, int>>(File.ReadAllText(Path.Combine(fixture.TinyPack, "tokenizer", "vocab.json")))!;
        var ids = json.RootElement.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        int[] expected = [49406, .. "a photo of a man and a sad woman".Split(' ').Select(w => vocab[w + "</w>"]), 49407];
        Assert.Equal(expected, ids);
        var expression = json.RootElement.GetProperty("expression_tokens").EnumerateArray().Single();
        Assert.Equal((8, "sad"), (expression.GetProperty("index").GetInt32(), expression.GetProperty("word").GetString()));
    }
}
