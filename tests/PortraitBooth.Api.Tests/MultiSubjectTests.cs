using System.Net;
using System.Security.Cryptography;
using PortraitBooth.Inference.Sampling;
using PortraitBooth.Testing;

namespace PortraitBooth.Api.Tests;

/// <summary>Several identities in one picture through the API: boxes and expressions reach the worker's sampler.</summary>
public sealed class MultiSubjectTests(HostFixture host) : IClassFixture<HostFixture>
{
    [Fact]
    public async Task Boxes_and_expressions_reach_the_sampler()
    {
        var ct = TestContext.Current.CancellationToken;
        var (_, key) = await host.NewTenant();
        using var client = host.Client(key);
        var identity = (await ApiClient.CreateIdentity(client)).GetProperty("id").GetString()!;
        string[] identities = [identity, identity];
        var defaults = SubjectLayout.DefaultBoxes(2, 128, 128)
            .Select(b => new { x = b.X, y = b.Y, width = b.Width, height = b.Height }).ToArray();
        object Body(object? boxes = null, string?[]? expressions = null) => new
        {
            prompt = "a photo of a man and a man", identities, boxes, expressions, seed = 5, steps = 3, width = 128, height = 128,
        };

        var plain = await Generate(client, Body(), ct);
        var explicitDefaults = await Generate(client, Body(boxes: defaults), ct);
        var moved = await Generate(client, Body(boxes: new[] { new { x = 0, y = 0, width = 64, height = 64 }, new { x = 64, y = 64, width = 64, height = 64 } }), ct);
        var happy = await Generate(client, Body(expressions: ["happy", null]), ct);

        // The default layout written out samples the same picture as no boxes; other boxes or an expression do not.
        Assert.Equal(plain.Hash, explicitDefaults.Hash);
        Assert.NotEqual(plain.Hash, moved.Hash);
        Assert.NotEqual(plain.Hash, happy.Hash);
        Assert.Equal(64, moved.Job.GetProperty("boxes")[1].GetProperty("x").GetInt32());
        Assert.Equal("happy", happy.Job.GetProperty("expressions")[0].GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, happy.Job.GetProperty("expressions")[1].ValueKind);
    }

    [Fact]
    public async Task A_retry_with_the_same_boxes_and_expressions_is_the_same_job_and_other_boxes_are_refused()
    {
        var ct = TestContext.Current.CancellationToken;
        var (_, key) = await host.NewTenant();
        using var client = host.Client(key);
        var identity = (await ApiClient.CreateIdentity(client)).GetProperty("id").GetString()!;
        object Body(int secondX) => new
        {
            prompt = "a photo of a man and a man", identities = new[] { identity, identity }, steps = 2,
            boxes = new[] { new { x = 0, y = 0, width = 64, height = 64 }, new { x = secondX, y = 64, width = 32, height = 64 } },
            expressions = new[] { "happy", null },
        };

        var first = await ApiClient.Submit(client, Body(64), idempotencyKey: "multi-retry");
        // The job grain and the API compare the stored spec (lists deserialized anew) with the retry by content.
        var again = await ApiClient.Submit(client, Body(64), idempotencyKey: "multi-retry");
        Assert.Equal(first.GetProperty("id").GetString(), again.GetProperty("id").GetString());

        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/generations") { Content = System.Net.Http.Json.JsonContent.Create(Body(96)) };
        request.Headers.Add("Idempotency-Key", "multi-retry");
        await ApiClient.ExpectProblem(await client.SendAsync(request, ct), HttpStatusCode.UnprocessableEntity);
    }

    private static async Task<(System.Text.Json.JsonElement Job, string Hash)> Generate(HttpClient client, object body, CancellationToken ct)
    {
        var submitted = await ApiClient.Submit(client, body);
        var id = submitted.GetProperty("id").GetString()!;
        var events = await EventStream.Follow(client, id, ct);
        Assert.Equal("succeeded", events[^1].Type);
        var job = await ApiClient.Expect(await client.GetAsync($"/v1/generations/{id}", ct), HttpStatusCode.OK);
        using var image = await client.GetAsync($"/v1/generations/{id}/images/0", ct);
        Assert.Equal(HttpStatusCode.OK, image.StatusCode);
        return (job, Convert.ToHexString(SHA256.HashData(await image.Content.ReadAsByteArrayAsync(ct))));
    }
}
