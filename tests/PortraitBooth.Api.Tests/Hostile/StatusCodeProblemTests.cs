using System.Net;
using System.Text;

namespace PortraitBooth.Api.Tests.Hostile;

/// <summary>Answers the framework makes itself (no route, wrong method, wrong content type, body too large) are ProblemDetails with a detail.</summary>
public sealed class StatusCodeProblemTests(HostFixture host) : IClassFixture<HostFixture>, IAsyncLifetime
{
    private string _key = "";

    public async ValueTask InitializeAsync() => (_, _key) = await host.NewTenant();

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    [Theory]
    [InlineData("/v1/nosuch")]
    [InlineData("/nosuch/at/all")]
    public async Task An_unknown_route_is_a_404_problem(string path)
    {
        using var client = host.Client(_key);
        using var response = await client.GetAsync(path, TestContext.Current.CancellationToken);
        await Hostile.ExpectProblem(response, HttpStatusCode.NotFound, "no endpoint", "/v1");
        await Hostile.ExpectHealthy(host, _key);
    }

    [Fact]
    public async Task A_wrong_method_is_a_405_problem_naming_the_allowed_ones()
    {
        using var client = host.Client(_key);
        using var response = await client.PutAsync("/v1/identities", new StringContent("{}", Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
        await Hostile.ExpectProblem(response, HttpStatusCode.MethodNotAllowed, "PUT", "not allowed", "GET", "POST");
        await Hostile.ExpectHealthy(host, _key);
    }

    [Fact]
    public async Task A_wrong_content_type_is_a_415_problem_naming_the_accepted_one()
    {
        using var client = host.Client(_key);
        using var response = await client.PostAsync("/v1/generations", new StringContent("""{"prompt":"a man"}""", Encoding.UTF8, "text/plain"), TestContext.Current.CancellationToken);
        await Hostile.ExpectProblem(response, HttpStatusCode.UnsupportedMediaType, "Content-Type", "application/json");
        await Hostile.ExpectHealthy(host, _key);
    }

    [Fact]
    public async Task A_body_over_the_server_limit_is_a_413_problem_naming_the_limit()
    {
        var body = new ByteArrayContent(Encoding.UTF8.GetBytes("{\"prompt\":\"" + new string('a', 31_000_000) + "\"}"));
        body.Headers.TryAddWithoutValidation("Content-Type", "application/json");
        using var response = await SendWaitingForContinue("/v1/generations", body);
        await Hostile.ExpectProblem(response, HttpStatusCode.RequestEntityTooLarge, "larger than", "30000000 bytes");
        await Hostile.ExpectHealthy(host, _key);
    }

    [Fact]
    public async Task An_upload_far_over_the_photo_limit_is_a_413_problem_naming_the_limit()
    {
        // The upload's body limit is MaxUploadBytes plus 64 KiB of multipart framing.
        using var response = await SendWaitingForContinue("/v1/identities", ApiClient.Photo(new byte[12 * 1024 * 1024]));
        await Hostile.ExpectProblem(response, HttpStatusCode.RequestEntityTooLarge, "larger than", $"{10 * 1024 * 1024 + 64 * 1024} bytes");
        await Hostile.ExpectHealthy(host, _key);
    }

    /// <summary>
    /// The host answers a body over its limit from the headers and closes the connection: waiting for 100-continue
    /// lets the client read that answer instead of failing to send the rest.
    /// </summary>
    private async Task<HttpResponseMessage> SendWaitingForContinue(string path, HttpContent content)
    {
        using var client = host.Client(_key);
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        request.Headers.ExpectContinue = true;
        return await client.SendAsync(request, TestContext.Current.CancellationToken);
    }
}
