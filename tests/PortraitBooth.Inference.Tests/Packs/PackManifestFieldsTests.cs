using System.Text.Json.Nodes;
using PortraitBooth.Inference.Images;
using PortraitBooth.Inference.Packs;
using PortraitBooth.Testing;

namespace PortraitBooth.Inference.Tests.Packs;

/// <summary>pack.json's optional vae.pixel_range, defaults and card: read, resolved when absent, checked on load.</summary>
public sealed class PackManifestFieldsTests(GeneratedPacks packs)
{
    private static void WithoutOptionalFields(JsonNode json)
    {
        var root = json.AsObject();
        root.Remove("vae");
        root.Remove("defaults");
        root.Remove("card");
    }

    [Fact]
    public void A_pack_json_without_the_new_fields_keeps_the_old_behaviour()
    {
        var manifest = ModelPack.ReadManifest(packs.CopyWithManifest(packs.Tiny, WithoutOptionalFields));

        Assert.Null(manifest.Vae);
        Assert.Null(manifest.Card);
        Assert.Equal(PixelRange.Symmetric, manifest.PixelRange);
        Assert.Equal(new PackDefaults(50, 5f, manifest.Size.DefaultWidth, manifest.Size.DefaultHeight), manifest.SamplingDefaults);
        // and it serialises without them, as before
        Assert.DoesNotContain("pixel_range", manifest.ToJson());
        Assert.DoesNotContain("\"card\"", manifest.ToJson());
    }

    [Fact]
    public void The_new_fields_are_read_and_each_absent_default_falls_back_on_its_own()
    {
        var copy = packs.CopyWithManifest(packs.Tiny, json =>
        {
            json["vae"] = new JsonObject { ["pixel_range"] = new JsonArray(0.0, 1.0) };
            json["defaults"] = new JsonObject { ["steps"] = 30, ["guidance"] = 4.0, ["height"] = 96 };
            json["card"] = new JsonObject { ["description"] = "d", ["training_data"] = "t", ["licence"] = "l", ["prompts"] = "p" };
        });
        var manifest = ModelPack.ReadManifest(copy);

        Assert.Equal(new PixelRange(0f, 1f), manifest.PixelRange);
        Assert.Equal(new PackDefaults(30, 4f, manifest.Size.DefaultWidth, 96), manifest.SamplingDefaults);
        Assert.Equal(new ModelCard("d", "t", "l", "p", null), manifest.Card);
        Assert.Equal(new PackDefaults(12, 4f, 64, 96), manifest.SamplingDefaults.Fill(12, null, 64, null));
        Assert.Equal(manifest.ToJson(), PackManifest.Parse(manifest.ToJson()).ToJson());
    }

    [Fact]
    public void Generated_packs_write_their_defaults_pixel_range_and_an_untrained_card()
    {
        var manifest = packs.Tiny.Manifest;

        Assert.Equal(new[] { -1.0, 1.0 }, manifest.Vae!.PixelRange!);
        Assert.Equal(new PackDefaults(50, 5f, 128, 128), manifest.SamplingDefaults);
        Assert.Contains("generated, untrained weights", manifest.Card!.Description);
        Assert.Contains("PortraitBooth's own", manifest.Card.Licence);
        Assert.Equal(manifest.ToJson(), ModelPack.ReadManifest(packs.Tiny.Folder).ToJson());
    }

    public static TheoryData<string, string, string> BadFields() => new()
    {
        { "vae", """{ "pixel_range": [1.0, 0.0] }""", "vae.pixel_range [1, 0] must have lo < hi" },
        { "vae", """{ "pixel_range": [0.0] }""", "vae.pixel_range must be two finite numbers [lo, hi], got [0]" },
        { "defaults", """{ "steps": 0 }""", "defaults: the default steps must be between 1 and 150, got 0" },
        { "defaults", """{ "guidance": 31 }""", "defaults: the default guidance must be between 0 and 30, got 31" },
        { "defaults", """{ "width": 100 }""", "defaults: the default width must be a multiple of 32 for this pack, got 100" },
        { "defaults", """{ "height": 1024 }""", "defaults: the default height must be between 64 and 512 for this pack, got 1024" },
        { "card", """{ "readme": "README.md" }""", "card.readme 'README.md' is not in its file list" },
    };

    [Theory]
    [MemberData(nameof(BadFields))]
    public void A_bad_new_field_is_refused_when_pack_json_is_read(string field, string value, string expected)
    {
        var copy = packs.CopyWithManifest(packs.Tiny, json => json[field] = JsonNode.Parse(value));

        var error = Assert.Throws<PackException>(() => ModelPack.ReadManifest(copy));
        Assert.Equal("pack.json: " + expected, error.Message);
    }

    [Fact]
    public void Without_defaults_a_bad_default_size_is_refused_naming_size_default()
    {
        var copy = packs.CopyWithManifest(packs.Tiny, json =>
        {
            WithoutOptionalFields(json);
            json["size"]!["default_width"] = 40;
        });

        var error = Assert.Throws<PackException>(() => ModelPack.ReadManifest(copy));
        Assert.Equal("pack.json: size.default_*: the default width must be between 64 and 512 for this pack, got 40", error.Message);
    }
}
