using System.Diagnostics;
using System.Net;
using System.Text;
using PortraitBooth.Inference.Sampling;

namespace PortraitBooth.Api.Tests.Hostile;

/// <summary>
/// Generation bodies that are valid JSON but broke the validator: null boxes (a NullReferenceException, 500), a box
/// whose right edge overflows int (202), and prompts long enough to hold a request in the tokenizer for minutes.
/// </summary>
public sealed class GenerationBodyTests(HostFixture host) : TenantWithIdentity(host), IClassFixture<HostFixture>
{
    [Fact]
    public async Task Null_boxes_are_refused_by_index()
    {
        using var response = await Submit($$"""{"prompt":"a man and a woman","identities":["{{Identity}}","{{Identity}}"],"boxes":[null,null]}""");
        await Hostile.ExpectProblem(response, HttpStatusCode.BadRequest, "boxes[0]", "null");
        await Hostile.ExpectHealthy(Host, Key);
    }

    [Fact]
    public async Task A_box_whose_right_edge_overflows_int_lies_outside_the_canvas()
    {
        using var response = await Submit($$"""{"prompt":"a man","identities":["{{Identity}}"],"boxes":[{"x":2147483600,"y":0,"width":100,"height":64}]}""");
        await Hostile.ExpectProblem(response, HttpStatusCode.BadRequest, "boxes[0]", "outside");
        await Hostile.ExpectHealthy(Host, Key);
    }

    [Theory]
    [InlineData(RequestLimits.MaxPromptLength + 1)]
    [InlineData(24_000_000)]
    public async Task A_prompt_over_the_length_limit_is_refused_before_tokenizing(int length)
    {
        var prompt = string.Concat(Enumerable.Repeat("a man ", length / 6 + 1))[..length];
        var clock = Stopwatch.StartNew();
        using var response = await Submit($$"""{"prompt":"{{prompt}}","identities":["{{Identity}}"]}""");
        await Hostile.ExpectProblem(response, HttpStatusCode.BadRequest, "prompt", $"{length} characters", $"at most {RequestLimits.MaxPromptLength}");
        // Tokenizing 24 MB took minutes; the length check is immediate (the bound leaves room for a slow machine).
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"answered in {clock.Elapsed.TotalSeconds:F1} s");
        await Hostile.ExpectHealthy(Host, Key);
    }

    [Fact]
    public async Task A_negative_prompt_over_the_length_limit_is_refused()
    {
        var negative = new string('x', RequestLimits.MaxPromptLength + 1);
        using var response = await Submit($$"""{"prompt":"a man","negative_prompt":"{{negative}}","identities":["{{Identity}}"]}""");
        await Hostile.ExpectProblem(response, HttpStatusCode.BadRequest, "negative_prompt", $"at most {RequestLimits.MaxPromptLength}");
        await Hostile.ExpectHealthy(Host, Key);
    }

    private async Task<HttpResponseMessage> Submit(string json)
    {
        using var client = Host.Client(Key);
        return await client.PostAsync("/v1/generations", new StringContent(json, Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
    }
}
