using System.Net;
using System.Text;

namespace PortraitBooth.Api.Tests.Hostile;

/// <summary>
/// Bodies and query strings that minimal APIs cannot bind, each of which was a bare 400 without a detail: now the
/// detail names the field (or the request body, or the parameter) and the rule, in words of ours.
/// </summary>
public sealed class BindingTests(HostFixture host) : IClassFixture<HostFixture>, IAsyncLifetime
{
    private string _key = "";

    public async ValueTask InitializeAsync() => (_, _key) = await host.NewTenant();

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    public static TheoryData<string, byte[], string[]> UnbindableBodies => new()
    {
        // name, body of POST /v1/generations, words the detail must contain
        { "a string for an integer", Utf8("""{"prompt":"a man","steps":"ten"}"""), ["steps", "whole number"] },
        { "a number for a string", Utf8("""{"prompt":5}"""), ["prompt", "a string"] },
        { "an object for an array", Utf8("""{"prompt":"a man","boxes":{"x":1}}"""), ["boxes", "an array"] },
        { "a string inside a box", Utf8("""{"prompt":"a man","boxes":[{"x":"left"}]}"""), ["boxes[0].x", "whole number"] },
        { "an integer over int", Utf8("""{"prompt":"a man","steps":99999999999}"""), ["steps", "2147483647"] },
        { "a negative seed", Utf8("""{"prompt":"a man","seed":-1}"""), ["seed", "from 0 to 18446744073709551615"] },
        { "NaN", Utf8("""{"prompt":"a man","guidance":NaN}"""), ["request body", "not valid JSON", "guidance"] },
        { "a lone surrogate", Utf8("""{"prompt":"a \ud800 man"}"""), ["prompt", "surrogate"] },
        { "invalid UTF-8", [.. Utf8("""{"prompt":"a """), 0xFF, 0xFE, .. Utf8(""" man"}""")], ["prompt", "UTF-8"] },
        { "a top-level array", Utf8("""[{"prompt":"a man"}]"""), ["request body", "JSON object"] },
        { "null", Utf8("null"), ["request body", "JSON object"] },
        { "an empty body", [], ["request body", "JSON object"] },
        { "a truncated body", Utf8("""{"prompt":"""), ["request body", "not valid JSON"] },
        { "nesting 5000 deep", Utf8(string.Concat(Enumerable.Repeat("""{"a":""", 5000)) + "1" + new string('}', 5000)), ["request body", "deeper than 64 levels"] },
    };

    [Theory]
    [MemberData(nameof(UnbindableBodies))]
    public async Task An_unbindable_body_names_the_field_and_the_rule(string name, byte[] body, string[] mentions)
    {
        using var client = host.Client(_key);
        using var content = new ByteArrayContent(body);
        Assert.True(content.Headers.TryAddWithoutValidation("Content-Type", "application/json"), name);
        using var response = await client.PostAsync("/v1/generations", content, TestContext.Current.CancellationToken);
        var detail = await Hostile.ExpectProblem(response, HttpStatusCode.BadRequest, mentions);
        TestContext.Current.TestOutputHelper?.WriteLine($"{name}: {detail}");
        await Hostile.ExpectHealthy(host, _key);
    }

    [Fact]
    public async Task A_long_property_name_is_not_echoed_whole()
    {
        using var client = host.Client(_key);
        var name = new string('p', 100_000);
        using var content = new StringContent($$"""{"prompt":"a man","{{name}}":NaN}""", Encoding.UTF8, "application/json");
        using var response = await client.PostAsync("/v1/generations", content, TestContext.Current.CancellationToken);
        var detail = await Hostile.ExpectProblem(response, HttpStatusCode.BadRequest, "request body", "not valid JSON");
        Assert.True(detail.Length < 300, $"the detail is {detail.Length} characters");
        await Hostile.ExpectHealthy(host, _key);
    }

    [Theory]
    [InlineData("/v1/identities?limit=abc", "limit", "whole number")]
    [InlineData("/v1/identities?limit=1.5", "limit", "whole number")]
    [InlineData("/v1/generations?limit=99999999999999999999", "limit", "2147483647")]
    [InlineData("/v1/generations?limit=1&limit=2", "limit", "2 times")]
    public async Task An_unbindable_query_names_the_parameter_and_the_rule(string path, params string[] mentions)
    {
        using var client = host.Client(_key);
        using var response = await client.GetAsync(path, TestContext.Current.CancellationToken);
        TestContext.Current.TestOutputHelper?.WriteLine($"{path}: {await Hostile.ExpectProblem(response, HttpStatusCode.BadRequest, mentions)}");
        await Hostile.ExpectHealthy(host, _key);
    }

    /// <summary>Kestrel refuses a NUL in the path before any middleware runs: 400 without a body (docs/serve.md says so).</summary>
    [Fact]
    public async Task A_NUL_in_an_id_is_refused_by_Kestrel_itself()
    {
        using var client = host.Client(_key);
        using var response = await client.GetAsync("/v1/identities/idn_%00", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await Hostile.ExpectHealthy(host, _key);
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
