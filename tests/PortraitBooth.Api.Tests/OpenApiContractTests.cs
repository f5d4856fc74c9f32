using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using PortraitBooth.Api.Infrastructure;
using PortraitBooth.Testing;

namespace PortraitBooth.Api.Tests;

/// <summary>
/// <c>/openapi/v1.json</c> of the real host, read the way a client generator reads it: security schemes and each
/// operation's requirement (from the endpoint's guards), ProblemDetails error answers, plain types, named multipart
/// fields and headers; and Redocly's recommended rules (tests/reference/openapi).
/// </summary>
public sealed class OpenApiContractTests(HostFixture host) : IClassFixture<HostFixture>
{
    /// <summary>Operations under /v1 that need no key. None today: every /v1 route is behind the tenant or admin key.</summary>
    private static readonly string[] PublicV1Operations = [];

    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch", "head", "options", "trace"];

    private async Task<JsonObject> Document()
    {
        using var client = host.Client();
        return JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json", TestContext.Current.CancellationToken))!.AsObject();
    }

    private static IEnumerable<(string Path, string Method, JsonObject Operation)> Operations(JsonObject document) =>
        from path in document["paths"]!.AsObject()
        from method in path.Value!.AsObject()
        where Methods.Contains(method.Key)
        select (path.Key, method.Key, method.Value!.AsObject());

    private static string Name(string path, string method, JsonObject operation) =>
        $"{method.ToUpperInvariant()} {path} ({operation["operationId"]?.GetValue<string>()})";

    /// <summary>The guards of every described endpoint, by operation id (the endpoint's name).</summary>
    private Dictionary<string, Type[]> GuardsByOperationId() =>
        host.App.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .Where(e => e.Metadata.GetMetadata<IEndpointNameMetadata>() is not null
                && e.Metadata.GetMetadata<IExcludeFromDescriptionMetadata>() is not { ExcludeFromDescription: true })
            .ToDictionary(e => e.Metadata.GetMetadata<IEndpointNameMetadata>()!.EndpointName,
                e => e.Metadata.GetOrderedMetadata<GuardedBy>().Select(g => g.Guard).ToArray());

    [Fact]
    public async Task Both_security_schemes_are_declared()
    {
        var schemes = (await Document())["components"]!["securitySchemes"]!;
        var tenant = schemes[OpenApiContract.TenantScheme]!;
        Assert.Equal("http", tenant["type"]!.GetValue<string>());
        Assert.Equal("bearer", tenant["scheme"]!.GetValue<string>());
        var admin = schemes[OpenApiContract.AdminScheme]!;
        Assert.Equal("apiKey", admin["type"]!.GetValue<string>());
        Assert.Equal("header", admin["in"]!.GetValue<string>());
        Assert.Equal("X-Admin-Key", admin["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Every_operation_requires_the_key_its_guard_checks()
    {
        var document = await Document();
        var guards = GuardsByOperationId();
        var operations = Operations(document).ToList();
        Assert.True(operations.Count >= 20, $"only {operations.Count} operations are described");
        foreach (var (path, method, operation) in operations)
        {
            var name = Name(path, method, operation);
            var id = operation["operationId"]?.GetValue<string>();
            Assert.True(id is not null && guards.ContainsKey(id), $"{name}: no described endpoint has this operation id");
            var expected = guards[id!].Select(g => g == typeof(TenantKeyGuard) ? OpenApiContract.TenantScheme
                : g == typeof(AdminKeyGuard) ? OpenApiContract.AdminScheme : g.Name).Order().ToArray();
            var declared = (operation["security"]?.AsArray() ?? []).SelectMany(r => r!.AsObject().Select(s => s.Key)).Order().ToArray();
            Assert.True(expected.SequenceEqual(declared), $"{name}: guarded by [{string.Join(", ", expected)}], declares [{string.Join(", ", declared)}]");
            if (path.StartsWith("/v1/", StringComparison.Ordinal) && !PublicV1Operations.Contains(id))
                Assert.True(declared.Length > 0, $"{name}: a /v1 operation without a security requirement");
        }
        // The requirement is the guard's, not the route's: the admin routes take the admin key, the rest the tenant key.
        var admin = operations.Where(o => o.Path.StartsWith("/v1/admin/", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(admin);
        Assert.All(admin, o => Assert.Equal(OpenApiContract.AdminScheme, o.Operation["security"]![0]!.AsObject().Single().Key));
    }

    [Fact]
    public async Task Every_operation_has_a_summary_and_its_problem_answers()
    {
        var document = await Document();
        var guards = GuardsByOperationId();
        foreach (var (path, method, operation) in Operations(document))
        {
            var name = Name(path, method, operation);
            Assert.False(string.IsNullOrWhiteSpace(operation["summary"]?.GetValue<string>()), $"{name}: no summary");
            var responses = operation["responses"]!.AsObject();
            var problems = responses.Where(r => r.Key.StartsWith('4') || r.Key.StartsWith('5')).ToList();
            Assert.True(problems.Any(r => r.Key.StartsWith('4')), $"{name}: no 4xx response");
            foreach (var (status, response) in problems)
                Assert.True(response!["content"]?[OpenApiContract.ProblemJson]?["schema"]?["$ref"]?.GetValue<string>() == "#/components/schemas/ProblemDetails",
                    $"{name}: {status} is not a ProblemDetails ({OpenApiContract.ProblemJson}): {response?.ToJsonString()}");

            var guard = guards[operation["operationId"]!.GetValue<string>()];
            if (guard.Length > 0)
                foreach (var status in new[] { "401", "403", "429" })
                    Assert.True(responses.ContainsKey(status), $"{name}: guarded, but no {status}");
            if (guard.Contains(typeof(TenantKeyGuard)))
                Assert.NotNull(responses["429"]!["headers"]?["Retry-After"]);
            if (path.Contains('{'))
                Assert.True(responses.ContainsKey("404"), $"{name}: has path parameters, but no 404");
            var parameters = operation["parameters"]?.AsArray() ?? [];
            if (operation["requestBody"] is not null || parameters.Any(p => p!["in"]!.GetValue<string>() == "query"))
                Assert.True(responses.ContainsKey("400"), $"{name}: has a body or query parameters, but no 400");
            else
                Assert.False(responses.ContainsKey("400"), $"{name}: has neither body nor query parameters, yet declares 400");
        }
        var upload = document["paths"]!["/v1/identities"]!["post"]!["responses"]!.AsObject();
        foreach (var status in new[] { "409", "413", "422" }) Assert.True(upload.ContainsKey(status), $"the upload declares no {status}");
        Assert.True(document["paths"]!["/v1/generations"]!["post"]!["responses"]!.AsObject().ContainsKey("422"));
        var image = document["paths"]!["/v1/generations/{id}/images/{n}"]!["get"]!["responses"]!.AsObject();
        Assert.True(image.ContainsKey("409") && image.ContainsKey("410"), image.ToJsonString());
        Assert.Equal("binary", image["200"]!["content"]!["image/png"]!["schema"]!["format"]!.GetValue<string>());
        var events = document["paths"]!["/v1/generations/{id}/events"]!["get"]!["responses"]!["200"]!["content"]!["text/event-stream"]!["schema"]!;
        Assert.Equal("string", events["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_problem_details_schema_is_what_the_host_writes()
    {
        var schema = (await Document())["components"]!["schemas"]!["ProblemDetails"]!;
        var properties = schema["properties"]!.AsObject();
        Assert.Equal(["detail", "instance", "status", "title", "type"], properties.Select(p => p.Key).Order());
        Assert.Equal("integer", properties["status"]!["type"]!.GetValue<string>());
        Assert.True(schema["additionalProperties"] is null || schema["additionalProperties"]!.GetValueKind() != JsonValueKind.False);

        // A real 401: its members are the schema's, or extensions.
        using var client = host.Client();
        using var response = await client.GetAsync("/v1/packs", TestContext.Current.CancellationToken);
        await ApiClient.ExpectProblem(response, HttpStatusCode.Unauthorized);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!.AsObject();
        foreach (var required in schema["required"]!.AsArray()) Assert.True(body.ContainsKey(required!.GetValue<string>()), body.ToJsonString());
        Assert.Equal(401, body["status"]!.GetValue<int>());
        foreach (var (member, value) in body.Where(m => properties.ContainsKey(m.Key)))
            Assert.Equal(member == "status" ? JsonValueKind.Number : JsonValueKind.String, value!.GetValueKind());
    }

    [Fact]
    public async Task Numbers_are_plain_numbers_and_limit_is_an_integer()
    {
        var document = await Document();
        var limits = Operations(document)
            .SelectMany(o => (o.Operation["parameters"]?.AsArray() ?? []).Where(p => p!["name"]!.GetValue<string>() == "limit")).ToList();
        Assert.Equal(3, limits.Count);
        foreach (var limit in limits)
        {
            Assert.Equal("query", limit!["in"]!.GetValue<string>());
            Assert.Equal(JsonValueKind.String, limit["schema"]!["type"]!.GetValueKind());
            Assert.Equal("integer", limit["schema"]!["type"]!.GetValue<string>());
            Assert.Null(limit["schema"]!["pattern"]);
        }
        // Nowhere a number that may also be a string (the web JSON defaults' leniency is no contract).
        var unions = new List<string>();
        Walk(document, "#", (pointer, node) =>
        {
            if (node["type"] is JsonArray types && types.Any(t => t!.GetValue<string>() is "integer" or "number") && types.Any(t => t!.GetValue<string>() == "string"))
                unions.Add(pointer);
        });
        Assert.True(unions.Count == 0, "number | string at " + string.Join(", ", unions));
    }

    [Fact]
    public async Task The_identity_upload_names_its_multipart_fields()
    {
        var body = (await Document())["paths"]!["/v1/identities"]!["post"]!["requestBody"]!;
        Assert.True(body["required"]!.GetValue<bool>());
        var schema = body["content"]!["multipart/form-data"]!["schema"]!;
        Assert.Null(schema["$ref"]);
        var photo = schema["properties"]!["photo"]!;
        Assert.Equal("string", photo["type"]!.GetValue<string>());
        Assert.Equal("binary", photo["format"]!.GetValue<string>());
        Assert.Equal("string", schema["properties"]!["name"]!["type"]!.GetValue<string>());
        Assert.Equal(["photo"], schema["required"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.Null((await Document())["components"]!["schemas"]!["IFormFile"]);
    }

    [Fact]
    public async Task The_submission_declares_its_idempotency_key_header()
    {
        var parameters = (await Document())["paths"]!["/v1/generations"]!["post"]!["parameters"]!.AsArray();
        var header = parameters.Single(p => p!["name"]!.GetValue<string>() == "Idempotency-Key")!;
        Assert.Equal("header", header["in"]!.GetValue<string>());
        Assert.False(header["required"]?.GetValue<bool>() ?? false);
        Assert.Equal("string", header["schema"]!["type"]!.GetValue<string>());
        Assert.Equal(200, header["schema"]!["maxLength"]!.GetValue<int>());
    }

    /// <summary>
    /// Redocly's recommended rules over the live document: no operation without security or a 4xx answer. Other
    /// findings are named in the message. The tool (tests/reference/openapi, npm ci) fails the test in CI when missing,
    /// skips it elsewhere.
    /// </summary>
    [Fact]
    public async Task Redocly_finds_every_operation_secured_and_answering_4xx()
    {
        var folder = Path.Combine(SharedData.RepoRoot, "tests", "reference", "openapi");
        var redocly = Path.Combine(folder, "node_modules", ".bin", "redocly");
        if (!File.Exists(redocly))
            Prerequisites.Missing($"Redocly CLI is not installed: run npm ci in tests/reference/openapi (scripts/test.sh does) ({redocly} is missing)");

        using var client = host.Client();
        var file = Path.Combine(Path.GetTempPath(), $"portraitbooth-openapi-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, await client.GetStringAsync("/openapi/v1.json", TestContext.Current.CancellationToken),
            TestContext.Current.CancellationToken);
        try
        {
            var result = ChildProcess.Run(redocly, ["lint", "--extends", "recommended", "--format", "json", file], folder, TimeSpan.FromMinutes(3),
                new Dictionary<string, string> { ["REDOCLY_TELEMETRY"] = "off", ["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true" });
            var start = result.Stdout.IndexOf('{');
            Assert.True(start >= 0, $"redocly lint wrote no JSON (exit {result.ExitCode}): {result.Stdout} {result.Stderr}");
            var problems = JsonNode.Parse(result.Stdout[start..])!["problems"]!.AsArray()
                .Select(p => (Rule: p!["ruleId"]!.GetValue<string>(), Severity: p["severity"]!.GetValue<string>(), Message: p["message"]!.GetValue<string>(),
                    Pointer: p["location"]?[0]?["pointer"]?.GetValue<string>() ?? ""))
                .ToList();
            var report = string.Join("\n", problems.Select(p => $"{p.Severity} {p.Rule} at {p.Pointer}: {p.Message}"));
            TestContext.Current.TestOutputHelper?.WriteLine("Redocly:\n" + report);
            Assert.True(problems.All(p => p.Rule is not ("security-defined" or "operation-4xx-response")), "Redocly:\n" + report);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static void Walk(JsonNode? node, string pointer, Action<string, JsonObject> visit)
    {
        switch (node)
        {
            case JsonObject o:
                visit(pointer, o);
                foreach (var (key, value) in o) Walk(value, $"{pointer}/{key.Replace("~", "~0").Replace("/", "~1")}", visit);
                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++) Walk(a[i], $"{pointer}/{i}", visit);
                break;
        }
    }
}
