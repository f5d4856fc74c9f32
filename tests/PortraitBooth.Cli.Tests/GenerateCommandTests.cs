using System.Text.Json.Nodes;
using PortraitBooth.Inference.Images;
using PortraitBooth.Testing;

namespace PortraitBooth.Cli.Tests;

public sealed class GenerateCommandTests : IClassFixture<CliFixture>
{
    private readonly CliFixture fixture;

    public GenerateCommandTests(CliFixture fixture)
    {
        this.fixture = fixture;
        fixture.UseFaceModels();
    }

    [Fact]
    public void Generate_on_the_default_pack_writes_the_image_and_prints_path_seed_and_timing()
    {
        var output = fixture.NewPath("portrait.png");
        var result = fixture.Run("generate", "--face", fixture.FacePhoto, "--prompt", "a portrait photo of a man",
            "--steps", "4", "--seed", "1234", "--out", output);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains(output, result.Stdout);
        Assert.Contains("seed 1234", result.Stdout);
        Assert.Matches(@"time \d+\.\d+ s", result.Stdout);
        using var image = ImageDecoding.LoadRgb(output);
        Assert.Equal((128, 128), (image.Width, image.Height));
    }

    [Fact]
    public void Without_steps_guidance_or_size_generate_takes_the_packs_defaults()
    {
        var pack = GeneratedPacks.CopyFolder(fixture.TinyPack, fixture.NewPath("defaults-pack"));
        GeneratedPacks.EditManifest(pack, json => json["defaults"] = new JsonObject { ["steps"] = 3, ["guidance"] = 2.5, ["width"] = 64, ["height"] = 96 });
        var output = fixture.NewPath("defaults.png");

        var result = fixture.Run("generate", "--pack", pack, "--prompt", "a lighthouse", "--seed", "3", "--out", output);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("seed 3, 3 steps, 64x96", result.Stdout);
        using var image = ImageDecoding.LoadRgb(output);
        Assert.Equal((64, 96), (image.Width, image.Height));
        var overridden = fixture.Run("generate", "--pack", pack, "--prompt", "a lighthouse", "--steps", "2", "--width", "128", "--out", output);
        Assert.Contains("2 steps, 128x96", overridden.Stdout);
    }

    [Fact]
    public void The_device_is_cpu_by_default_and_cuda_on_the_cpu_build_is_one_clear_line()
    {
        var output = fixture.NewPath("on-cpu.png");
        var onCpu = fixture.Run("generate", "--prompt", "a lighthouse", "--steps", "2", "--device", "cpu", "--out", output);
        Assert.True(onCpu.ExitCode == 0, onCpu.ToString());
        Assert.Contains("on cpu", onCpu.Stdout);

        fixture.Run("generate", "--prompt", "a lighthouse", "--steps", "2", "--device", "cuda:1", "--out", output)
            .AssertUsageError("cuda was asked for, but this build has ONNX Runtime's CPU package");
        fixture.Run("generate", "--prompt", "a lighthouse", "--device", "gpu", "--out", output)
            .AssertUsageError("--device 'gpu' must be cpu, cuda or cuda:N");
    }

    [Fact]
    public void Generate_writes_jpeg_when_asked()
    {
        var output = fixture.NewPath("portrait.jpg");
        var result = fixture.Run("generate", "--prompt", "a lighthouse", "--steps", "2", "--out", output);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal([0xFF, 0xD8], File.ReadAllBytes(output)[..2]);
    }

    [Fact]
    public void A_missing_image_is_one_clear_line_and_a_non_zero_exit()
    {
        var missing = fixture.NewPath("nobody.jpg");
        var result = Generate("--face", missing, "--prompt", "a photo of a man");
        result.AssertUsageError($"image '{missing}' does not exist");
    }

    [Fact]
    public void An_unreadable_image_is_refused()
    {
        var notAnImage = fixture.NewPath("face.png");
        File.WriteAllText(notAnImage, "this is not a picture");
        var result = Generate("--face", notAnImage, "--prompt", "a photo of a man");
        result.AssertUsageError("is not an image in a supported format");
    }

    [Fact]
    public void A_photo_without_a_face_is_refused_naming_the_file()
    {
        var result = Generate("--face", fixture.FacelessPhoto, "--prompt", "a photo of a man");
        result.AssertUsageError($"no face found in '{fixture.FacelessPhoto}'");
    }

    [Fact]
    public void A_group_photo_uses_the_largest_face_and_says_how_many_it_found()
    {
        var output = fixture.NewPath("group.png");
        var result = fixture.Run("generate", "--face", Testing.FaceApiReference.SamplePhoto(1), "--prompt", "a photo of a woman",
            "--steps", "2", "--out", output);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Matches(@"sample1\.jpg: \d+ faces found, using the largest", result.Stdout);
    }

    [Fact]
    public void A_face_with_a_prompt_without_identity_token_is_refused()
    {
        var result = Generate("--face", fixture.FacePhoto, "--prompt", "a photo of a lighthouse");
        result.AssertUsageError("the prompt has 0 identity tokens (none) but 1 face was given");
    }

    [Fact]
    public void More_faces_than_identity_tokens_is_refused()
    {
        var result = Generate("--face", fixture.FacePhoto, "--face", fixture.FacePhoto, "--prompt", "a photo of a woman");
        result.AssertUsageError("the prompt has 1 identity token ('woman' at 5) but 2 faces were given");
    }

    [Fact]
    public void A_prompt_too_long_is_refused_with_its_length()
    {
        var prompt = "a photo of a man " + string.Join(' ', Enumerable.Repeat("very", 80));
        var result = Generate("--face", fixture.FacePhoto, "--prompt", prompt);
        result.AssertUsageError("85 tokens");
    }

    [Theory]
    [InlineData("--width", "100", "width must be a multiple of 32 for this pack, got 100")]
    [InlineData("--height", "1024", "height must be between 64 and 512 for this pack, got 1024")]
    [InlineData("--width", "32", "width must be between 64 and 512 for this pack, got 32")]
    [InlineData("--steps", "0", "steps must be between 1 and 150, got 0")]
    [InlineData("--steps", "151", "steps must be between 1 and 150, got 151")]
    [InlineData("--guidance", "-1", "guidance must be between 0 and 30, got -1")]
    [InlineData("--guidance", "30.5", "guidance must be between 0 and 30, got 30.5")]
    public void Out_of_range_settings_are_refused(string option, string value, string message)
    {
        var result = Generate("--face", fixture.FacePhoto, "--prompt", "a photo of a man", option, value);
        result.AssertUsageError(message);
    }

    [Fact]
    public void An_output_with_an_unknown_extension_is_refused_before_any_work()
    {
        var result = fixture.Run("generate", "--prompt", "a lighthouse", "--out", fixture.NewPath("out.gif"));
        result.AssertUsageError("must end in .png, .jpg or .jpeg");
    }

    private CliResult Generate(params string[] args) =>
        fixture.Run(["generate", .. args, .. args.Contains("--steps") ? Array.Empty<string>() : ["--steps", "2"], "--out", fixture.NewPath("out.png")]);
}
