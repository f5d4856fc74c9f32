using System.Text.Json;
using PortraitBooth.ModelBuilder;

namespace PortraitBooth.Cli.Tests;

public sealed class ToolCommandTests(CliFixture fixture) : IClassFixture<CliFixture>
{
    [Fact]
    public void Tokenize_prints_ids_and_identity_and_expression_positions()
    {
        var result = fixture.Run("tokenize", "a photo of a happy man");
        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.Stdout);
        var ids = json.RootElement.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var vocab = JsonSerializer.Deserialize<Dictionary<string, int>>(File.ReadAllText(Path.Combine(fixture.TinyPack, "tokenizer", "vocab.json")))!;
        Assert.Equal([49406, vocab["a</w>"], vocab["photo</w>"], vocab["of</w>"], vocab["a</w>"], vocab["happy</w>"], vocab["man</w>"], 49407], ids);
        var identity = json.RootElement.GetProperty("identity_tokens").EnumerateArray().Single();
        Assert.Equal((6, "man"), (identity.GetProperty("index").GetInt32(), identity.GetProperty("word").GetString()));
        var expression = json.RootElement.GetProperty("expression_tokens").EnumerateArray().Single();
        Assert.Equal((5, "happy"), (expression.GetProperty("index").GetInt32(), expression.GetProperty("word").GetString()));
    }

    [Fact]
    public void Pack_verify_accepts_a_generated_pack_and_refuses_a_damaged_one()
    {
        var good = fixture.Run("pack", "verify", fixture.TinyPack);
        Assert.True(good.ExitCode == 0, good.ToString());
        Assert.Contains("OK", good.Stdout);

        var damaged = fixture.NewPath("damaged");
        var create = fixture.Run("pack", "create", "--kind", "tiny", "--out", damaged, "--seed", "5");
        Assert.True(create.ExitCode == 0, create.ToString());
        File.Delete(Path.Combine(damaged, "stea", "model.onnx"));
        var bad = fixture.Run("pack", "verify", damaged);
        Assert.NotEqual(0, bad.ExitCode);
        Assert.Contains("'stea/model.onnx' is missing", bad.Stderr);
    }

    [Fact]
    public void Generate_creates_the_default_pack_on_first_use()
    {
        var emptyModels = fixture.NewPath("models");
        var output = fixture.NewPath("first.png");
        var result = CliRunner.Run(emptyModels, "generate", "--prompt", "a lighthouse", "--steps", "1", "--out", output);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(File.Exists(Path.Combine(emptyModels, "tiny", "pack.json")));
        Assert.True(File.Exists(output));
        // The pack made on first use is the same as `pack create` with the default seed.
        var reference = fixture.NewPath("reference");
        PackGenerator.Create(PackKind.Tiny, float16: false, reference, ModelLocations.DefaultSeed);
        Assert.Equal(File.ReadAllBytes(Path.Combine(reference, "pack.json")), File.ReadAllBytes(Path.Combine(emptyModels, "tiny", "pack.json")));
    }
}
