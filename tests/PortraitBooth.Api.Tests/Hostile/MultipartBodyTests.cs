using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http.Features;

namespace PortraitBooth.Api.Tests.Hostile;

/// <summary>
/// Malformed multipart uploads to <c>POST /v1/identities</c>, each of which was a 500 (the form reader's exception):
/// now a 400 that names the rule. The bodies are written by hand: HttpClient refuses to build most of them.
/// </summary>
public sealed class MultipartBodyTests(HostFixture host) : IClassFixture<HostFixture>, IAsyncLifetime
{
    private string _key = "";

    public async ValueTask InitializeAsync() => (_, _key) = await host.NewTenant();

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static readonly int FieldLimit = new FormOptions().ValueCountLimit;

    public static TheoryData<string, string, string, string[]> MalformedForms => new()
    {
        // name, Content-Type, body, words the detail must contain
        { "no closing boundary", "multipart/form-data; boundary=XX", Section("XX", "name"), ["closing boundary", "--XX--"] },
        { "no boundary parameter", "multipart/form-data", Section("XX", "name") + "--XX--\r\n", ["boundary parameter"] },
        { "boundary of 71 characters", $"multipart/form-data; boundary={new string('b', 71)}", Form(new string('b', 71), 1), ["boundary", "71 characters", "at most 70"] },
        { "boundary of 200 characters", $"multipart/form-data; boundary={new string('b', 200)}", Form(new string('b', 200), 1), ["boundary", "200 characters", "at most 70"] },
        { "more fields than the form limit", "multipart/form-data; boundary=XX", Form("XX", FieldLimit + 1), ["fields", $"at most {FieldLimit}"] },
    };

    [Theory]
    [MemberData(nameof(MalformedForms))]
    public async Task A_malformed_multipart_body_answers_400_with_the_rule(string name, string contentType, string body, string[] mentions)
    {
        using var client = host.Client(_key);
        using var content = new ByteArrayContent(Encoding.ASCII.GetBytes(body));
        Assert.True(content.Headers.TryAddWithoutValidation("Content-Type", contentType), name);
        using var response = await client.PostAsync("/v1/identities", content, TestContext.Current.CancellationToken);
        await Hostile.ExpectProblem(response, HttpStatusCode.BadRequest, mentions);
        await Hostile.ExpectHealthy(host, _key);
    }

    private static string Section(string boundary, string field) =>
        $"--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"\r\n\r\nvalue\r\n";

    private static string Form(string boundary, int fields) =>
        string.Concat(Enumerable.Range(0, fields).Select(k => Section(boundary, $"f{k}"))) + $"--{boundary}--\r\n";
}
