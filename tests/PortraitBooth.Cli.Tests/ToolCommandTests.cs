using System.Text.Json;
using System.Text.Json.Nodes;
using PortraitBooth.ModelBuilder;
using PortraitBooth.Testing;

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
    public void Pack_verify_shows_the_defaults_pixel_range_and_model_card()
    {
        var result = fixture.Run("pack", "verify", fixture.TinyPack);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("defaults: 50 steps, guidance 5, 128x128; VAE pixel range [-1, 1]", result.Stdout);
        Assert.Contains("model card:", result.Stdout);
        Assert.Contains("training data: none: generated, untrained weights", result.Stdout);
        Assert.Contains("licence: PortraitBooth's own", result.Stdout);
    }

    /// <summary>Only pack.json is edited (the graphs and their hashes stay): the shape and dtype checks refuse.</summary>
    public static TheoryData<string, string, string[]> GraphDisagreements() => new()
    {
        { "latent channels", """{ "latent": { "channels": 16 } }""", ["unet/model.onnx: input 'sample'", "axis 1 is 4", "latent.channels is 16"] },
        { "STEA token width", """{ "stea": { "token_width": 64 } }""", ["text_encoder/model.onnx: output 'last_hidden_state'", "axis 2 is 32", "stea.token_width is 64"] },
        { "STEA face width", """{ "stea": { "face_width": 128 } }""", ["face_encoder/model.onnx: output 'embedding'", "axis 1 is 32", "stea.face_width is 128"] },
        { "dtype", """{ "models": { "stea": { "inputs": { "token": { "dtype": "float16" } } } } }""", ["stea/model.onnx: input 'token' is float16[N,32] in pack.json but float32["] },
    };

    [Theory]
    [MemberData(nameof(GraphDisagreements))]
    public void Pack_verify_refuses_a_pack_whose_graphs_disagree_with_pack_json(string what, string change, string[] expected)
    {
        var pack = GeneratedPacks.CopyFolder(fixture.TinyPack, fixture.NewPath(what.Replace(' ', '-')));
        GeneratedPacks.EditManifest(pack, json => Merge(json, JsonNode.Parse(change)!));

        var result = fixture.Run("pack", "verify", pack);

        result.AssertUsageError(expected[0]);
        foreach (var part in expected) Assert.Contains(part, result.Stderr);
    }

    private static void Merge(JsonNode target, JsonNode change)
    {
        foreach (var (key, value) in change.AsObject())
            if (value is JsonObject inner && target[key] is JsonObject existing) Merge(existing, inner);
            else target[key] = value?.DeepClone();
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
