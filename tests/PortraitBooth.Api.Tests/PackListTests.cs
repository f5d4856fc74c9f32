using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using PortraitBooth.Inference.Images;
using PortraitBooth.Testing;

namespace PortraitBooth.Api.Tests;

/// <summary>The real host with a second pack, "custom": the tiny graphs with their own defaults, pixel range and card.</summary>
public sealed class CustomPackHostFixture(GeneratedPacks packs, ConvertedFaceModels faceModels) : HostFixture(packs, faceModels)
{
    private readonly string _custom = packs.CopyWithManifest(packs.Tiny, json =>
    {
        json["vae"] = new JsonObject { ["pixel_range"] = new JsonArray(0.0, 1.0) };
        json["defaults"] = new JsonObject { ["steps"] = 3, ["guidance"] = 2.5, ["width"] = 64, ["height"] = 96 };
        json["card"] = new JsonObject { ["description"] = "a test pack", ["training_data"] = "none", ["licence"] = "test only", ["prompts"] = "any" };
    });

    protected override IEnumerable<string> Settings => [$"--PortraitBooth:Packs:custom={_custom}"];
}

/// <summary><c>GET /v1/packs</c> shows each pack's defaults, pixel range and card; a request that names none gets its pack's defaults.</summary>
public sealed class PackListTests(CustomPackHostFixture host) : IClassFixture<CustomPackHostFixture>
{
    [Fact]
    public async Task Packs_list_their_defaults_pixel_range_and_model_card()
    {
        var (_, key) = await host.NewTenant("packs");
        using var client = host.Client(key);

        var list = await ApiClient.Expect(await client.GetAsync("/v1/packs"), HttpStatusCode.OK);
        var items = list.GetProperty("items").EnumerateArray().ToDictionary(p => p.GetProperty("name").GetString()!);

        var custom = items["custom"];
        var defaults = custom.GetProperty("defaults");
        Assert.Equal((3, 2.5f, 64, 96), (defaults.GetProperty("steps").GetInt32(), defaults.GetProperty("guidance").GetSingle(),
            defaults.GetProperty("width").GetInt32(), defaults.GetProperty("height").GetInt32()));
        Assert.Equal((64, 96), (custom.GetProperty("default_width").GetInt32(), custom.GetProperty("default_height").GetInt32()));
        Assert.Equal([0f, 1f], custom.GetProperty("pixel_range").EnumerateArray().Select(v => v.GetSingle()));
        Assert.Equal("a test pack", custom.GetProperty("card").GetProperty("description").GetString());
        Assert.Equal("test only", custom.GetProperty("card").GetProperty("licence").GetString());

        var tiny = items["tiny"];
        Assert.Equal(50, tiny.GetProperty("defaults").GetProperty("steps").GetInt32());
        Assert.Equal([-1f, 1f], tiny.GetProperty("pixel_range").EnumerateArray().Select(v => v.GetSingle()));
        Assert.Contains("generated, untrained weights", tiny.GetProperty("card").GetProperty("description").GetString());

        // The OpenAPI document describes the new fields.
        var openApi = await (await client.GetAsync("/openapi/v1.json")).Content.ReadAsStringAsync();
        var schemas = JsonNode.Parse(openApi)!["components"]!["schemas"]!;
        var pack = schemas["PackView"]!["properties"]!.AsObject();
        Assert.True(pack.ContainsKey("defaults") && pack.ContainsKey("pixel_range") && pack.ContainsKey("card"), pack.ToJsonString());
        Assert.True(schemas["ModelCard"]!["properties"]!.AsObject().ContainsKey("training_data"));
    }

    [Fact]
    public async Task A_generation_that_names_no_steps_guidance_or_size_gets_its_packs_defaults()
    {
        var (_, key) = await host.NewTenant("defaults");
        using var client = host.Client(key);

        var custom = await ApiClient.Submit(client, new { pack = "custom", prompt = "a lighthouse", seed = 1 });
        Assert.Equal((3, 2.5f, 64, 96), (custom.GetProperty("steps").GetInt32(), custom.GetProperty("guidance").GetSingle(),
            custom.GetProperty("width").GetInt32(), custom.GetProperty("height").GetInt32()));
        var tiny = await ApiClient.Submit(client, new { prompt = "a lighthouse", seed = 1, steps = 2 });
        Assert.Equal((2, 5f, 128, 128), (tiny.GetProperty("steps").GetInt32(), tiny.GetProperty("guidance").GetSingle(),
            tiny.GetProperty("width").GetInt32(), tiny.GetProperty("height").GetInt32()));

        var id = custom.GetProperty("id").GetString()!;
        var events = await EventStream.Follow(client, id, TestContext.Current.CancellationToken);
        Assert.Equal("succeeded", events[^1].Type);
        Assert.Equal(3, events[^1].Data.GetProperty("progress").GetProperty("total_steps").GetInt32());
        using var png = await client.GetAsync($"/v1/generations/{id}/images/0");
        Assert.Equal(HttpStatusCode.OK, png.StatusCode);
        using var image = ImageDecoding.DecodeRgb(await png.Content.ReadAsByteArrayAsync(), "image 0");
        Assert.Equal((64, 96), (image.Width, image.Height));
    }

    [Fact]
    public async Task A_request_outside_the_limits_is_still_refused_when_the_pack_supplies_the_rest()
    {
        var (_, key) = await host.NewTenant("limits");
        using var client = host.Client(key);
        using var response = await client.PostAsync("/v1/generations", JsonContent.Create(new { pack = "custom", prompt = "a lighthouse", width = 100 }));
        var detail = await ApiClient.ExpectProblem(response, HttpStatusCode.BadRequest);
        Assert.Contains("width must be a multiple of 32 for this pack, got 100", detail);
    }
}
