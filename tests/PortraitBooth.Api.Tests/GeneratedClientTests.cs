using System.Net;
using NJsonSchema.CodeGeneration.CSharp;
using NSwag;
using NSwag.CodeGeneration.CSharp;
using NSwag.CodeGeneration.OperationNameGenerators;
using PortraitBooth.Api.Tests.Generated;
using PortraitBooth.Testing;

namespace PortraitBooth.Api.Tests;

/// <summary>
/// The C# client NSwag generates from the live <c>/openapi/v1.json</c> (committed as Generated/PortraitBoothClient.cs,
/// compiled into this project), kept current and used against the real host: what a consumer's generated client does.
/// </summary>
public sealed class GeneratedClientTests(HostFixture host) : IClassFixture<HostFixture>
{
    /// <summary>Set to <c>true</c> to rewrite the committed client from the live document instead of comparing.</summary>
    public const string RegenerateVariable = "PORTRAITBOOTH_REGENERATE_CLIENT";

    private static string CommittedPath => Path.Combine(SharedData.RepoRoot, "tests", "PortraitBooth.Api.Tests", "Generated", "PortraitBoothClient.cs");

    /// <summary>The client's C# for <paramref name="json"/>; the document's server (a test's random port) is left out.</summary>
    public static async Task<string> Generate(string json)
    {
        var document = await OpenApiDocument.FromJsonAsync(json);
        document.Servers.Clear();
        var settings = new CSharpClientGeneratorSettings
        {
            ClassName = "PortraitBoothClient",
            UseBaseUrl = false,
            GenerateClientInterfaces = false,
            ExceptionClass = "PortraitBoothApiException",
            OperationNameGenerator = new SingleClientFromOperationIdOperationNameGenerator(),
            CSharpGeneratorSettings =
            {
                Namespace = "PortraitBooth.Api.Tests.Generated",
                JsonLibrary = CSharpJsonLibrary.SystemTextJson,
                GenerateNullableReferenceTypes = true,
            },
        };
        return new CSharpClientGenerator(document, settings).GenerateFile().ReplaceLineEndings("\n");
    }

    [Fact]
    public async Task The_committed_client_is_generated_from_the_live_document()
    {
        using var http = host.Client();
        var generated = await Generate(await http.GetStringAsync("/openapi/v1.json", TestContext.Current.CancellationToken));
        if (string.Equals(Environment.GetEnvironmentVariable(RegenerateVariable), "true", StringComparison.OrdinalIgnoreCase))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(CommittedPath)!);
            await File.WriteAllTextAsync(CommittedPath, generated, TestContext.Current.CancellationToken);
        }
        var committed = File.Exists(CommittedPath) ? (await File.ReadAllTextAsync(CommittedPath, TestContext.Current.CancellationToken)).ReplaceLineEndings("\n") : "";
        Assert.True(committed == generated,
            $"{CommittedPath} is not what the live document generates: rerun this test with {RegenerateVariable}=true and commit the file");
    }

    [Fact]
    public async Task The_generated_client_uploads_generates_downloads_and_reads_typed_problems()
    {
        var ct = TestContext.Current.CancellationToken;
        using var adminHttp = host.Admin();
        var admin = new PortraitBoothClient(adminHttp);
        var tenantId = $"nswag-{Guid.NewGuid():N}"[..20];
        var created = await admin.CreateTenantAsync(new TenantCreateBody
        {
            Id = tenantId,
            Name = "Generated client",
            Quotas = new TenantQuotas { Max_jobs_in_flight = 2, Max_identities = 10 },
        }, ct);
        Assert.Equal(tenantId, created.Tenant_id);

        // The tenant key as the ApiKey scheme says: Authorization: Bearer <key>.
        using var http = host.Client(created.Key);
        var client = new PortraitBoothClient(http);
        Assert.Contains((await client.ListPacksAsync(ct)).Items, p => p.Name == "tiny");

        IdentityView identity;
        await using (var photo = File.OpenRead(ApiClient.ClooneyPhoto))
            identity = await client.CreateIdentityAsync(new FileParameter(photo, "1.jpg", "image/jpeg"), "George", ct);
        Assert.StartsWith("idn_", identity.Id);
        Assert.Equal("George", identity.Name);

        var submitted = await client.SubmitGenerationAsync("generated-client-1", new GenerationBody
        {
            Prompt = "a photo of a man",
            Identities = [identity.Id],
            Steps = 2,
            Seed = 7,
        }, ct);
        var id = submitted.Id;
        var deadline = DateTime.UtcNow.AddMinutes(3);
        var job = submitted;
        while (job.Status is "queued" or "running" && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200, ct);
            job = await client.GetGenerationAsync(id, ct);
        }
        Assert.Equal("succeeded", job.Status);
        using (var image = await client.GetGenerationImageAsync(id, 0, ct))
        {
            using var png = new MemoryStream();
            await image.Stream.CopyToAsync(png, ct);
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png.ToArray()[..4]);
        }

        // A 400 and a 404 as typed ProblemDetails.
        var invalid = await Assert.ThrowsAsync<PortraitBoothApiException<ProblemDetails>>(() => client.ListGenerationsAsync(0, null, ct));
        Assert.Equal(400, invalid.StatusCode);
        Assert.Equal(400, invalid.Result.Status);
        Assert.Contains("limit", invalid.Result.Detail);
        var missing = await Assert.ThrowsAsync<PortraitBoothApiException<ProblemDetails>>(() => client.GetIdentityAsync("idn_missing", ct));
        Assert.Equal(404, missing.Result.Status);

        // A 429 with Retry-After: one write a minute, the second is refused.
        await admin.SetTenantQuotasAsync(tenantId, new TenantQuotasUpdate { Requests_per_minute = 1 }, ct);
        var refused = default(PortraitBoothApiException<ProblemDetails>);
        for (var attempt = 0; attempt < 3 && refused is null; attempt++)
            try
            {
                await client.CancelGenerationAsync(id, ct);
            }
            catch (PortraitBoothApiException<ProblemDetails> problem) when (problem.StatusCode == (int)HttpStatusCode.TooManyRequests)
            {
                refused = problem;
            }
        Assert.NotNull(refused);
        Assert.Equal(429, refused.Result.Status);
        Assert.False(string.IsNullOrEmpty(refused.Result.Title));
        Assert.True(refused.Headers.TryGetValue("Retry-After", out var retryAfter) && int.Parse(retryAfter.Single()) >= 1);
    }
}
