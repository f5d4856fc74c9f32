using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using PortraitBooth.Testing;

namespace PortraitBooth.Api.Tests;

/// <summary>The HTTP calls the tests make, with the checks every answer gets.</summary>
internal static class ApiClient
{
    public static string ClooneyPhoto => SharedData.Require("data", "identities", "george_clooney", "1.jpg");

    public static MultipartFormDataContent Photo(byte[] bytes, string fileName = "photo.jpg", string? name = null, string contentType = "image/jpeg")
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        form.Add(file, "photo", fileName);
        if (name is not null) form.Add(new StringContent(name), "name");
        return form;
    }

    public static async Task<JsonElement> CreateIdentity(HttpClient client, string? name = "George")
    {
        using var response = await client.PostAsync("/v1/identities", Photo(await File.ReadAllBytesAsync(ClooneyPhoto), "1.jpg", name));
        return await Expect(response, HttpStatusCode.Created);
    }

    public static async Task<JsonElement> Submit(HttpClient client, object body, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/generations") { Content = JsonContent.Create(body, options: HostFixture.Json) };
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        using var response = await client.SendAsync(request);
        var json = await Expect(response, HttpStatusCode.Accepted);
        Assert.Equal($"/v1/generations/{json.GetProperty("id").GetString()}", response.Headers.Location?.OriginalString);
        return json;
    }

    public static async Task<JsonElement> Expect(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        return text.Length > 0 ? JsonDocument.Parse(text).RootElement.Clone() : default;
    }

    /// <summary>A 4xx answer with a ProblemDetails body whose status matches; returns its detail.</summary>
    public static async Task<string> ExpectProblem(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
        return problem.TryGetProperty("detail", out var detail) ? detail.GetString() ?? "" : "";
    }
}
