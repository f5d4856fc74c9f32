using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace PortraitBooth.Api.Infrastructure;

/// <summary>Endpoint metadata: a request header the operation reads, for its OpenAPI description.</summary>
public sealed record OpenApiHeaderParameter(string Name, string Description, int? MaxLength = null);

/// <summary>Endpoint metadata: one field of the operation's <c>multipart/form-data</c> body, for its OpenAPI description.</summary>
public sealed record OpenApiFormField(string Name, string Description, bool Binary = false, bool Required = false, int? MaxLength = null);

/// <summary>Endpoint metadata: a ProblemDetails answer of the endpoint's own (the transformer adds the guards' and the generic ones).</summary>
public sealed record OpenApiProblem(int Status, string Description);

/// <summary>
/// Makes <c>/openapi/v1.json</c> a contract a generated client can use: the security schemes, each operation's
/// security from its <see cref="GuardedBy"/> metadata, the ProblemDetails answers it can really give, plain integer
/// and number types, the multipart fields and headers named by <see cref="OpenApiFormField"/> and
/// <see cref="OpenApiHeaderParameter"/> metadata.
/// </summary>
public static class OpenApiContract
{
    public const string TenantScheme = "ApiKey", AdminScheme = "AdminKey", ProblemSchema = "ProblemDetails", ProblemJson = "application/problem+json";

    private static readonly (string Name, string Description)[] Tags =
    [
        ("Packs", "The installed model packs a generation can name."),
        ("Identities", "Photos of one person each, the identities a generation puts into its images."),
        ("Generations", "Queued image generations: submit, follow, download, cancel."),
        ("Admin", "Tenants, their API keys, quotas and suspension; the job error queue. Needs X-Admin-Key."),
    ];

    /// <summary>Documents a ProblemDetails answer with <paramref name="status"/> particular to this endpoint.</summary>
    public static TBuilder WithProblem<TBuilder>(this TBuilder builder, int status, string description) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new OpenApiProblem(status, description));

    public static void Configure(OpenApiOptions options)
    {
        options.AddDocumentTransformer((document, _, _) => { Describe(document); return Task.CompletedTask; });
        options.AddOperationTransformer((operation, context, _) => { Describe(operation, context); return Task.CompletedTask; });
        options.AddSchemaTransformer((schema, _, _) => { PlainNumbers(schema); return Task.CompletedTask; });
    }

    private static void Describe(OpenApiDocument document)
    {
        document.Info.Title = "PortraitBooth API";
        document.Info.Version = "v1";
        document.Info.Description =
            "Tenant API: `Authorization: Bearer <key>` with the tenant's API key (security scheme ApiKey). Admin API: the " +
            "`X-Admin-Key` header (security scheme AdminKey). Every error is a ProblemDetails body (application/problem+json).";
        foreach (var server in document.Servers ?? [])
            if (server.Url is { Length: > 1 } url && url.EndsWith('/')) server.Url = url.TrimEnd('/');
        foreach (var (name, description) in Tags)
            if (document.Tags?.FirstOrDefault(t => t.Name == name) is { } tag) tag.Description = description;

        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[TenantScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "pb_<tenant>_<key id>_<secret>",
            Description = "A tenant's API key: `Authorization: Bearer <key>`.",
        };
        document.Components.SecuritySchemes[AdminScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = AdminKeyGuard.Header,
            Description = "The admin key (PortraitBooth:AdminKey).",
        };
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        document.Components.Schemas[ProblemSchema] = ProblemDetailsSchema();
    }

    /// <summary>What <see cref="ProblemExceptionHandler"/> and the status code pages write (RFC 9457), extensions such as traceId allowed.</summary>
    private static OpenApiSchema ProblemDetailsSchema() => new()
    {
        Type = JsonSchemaType.Object,
        Description = "An error (RFC 9457). Extension members, such as traceId, may follow.",
        Required = new HashSet<string> { "title", "status" },
        Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["type"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "A URI reference that identifies the problem type." },
            ["title"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "A short summary of the problem." },
            ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Description = "The HTTP status code." },
            ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "What went wrong with this request." },
            ["instance"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "A URI reference of this occurrence." },
        },
        AdditionalPropertiesAllowed = true,
    };

    private static void Describe(OpenApiOperation operation, OpenApiOperationTransformerContext context)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        var guards = metadata.OfType<GuardedBy>().Select(g => g.Guard).ToList();

        foreach (var header in metadata.OfType<OpenApiHeaderParameter>())
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = header.Name,
                In = ParameterLocation.Header,
                Description = header.Description,
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = header.MaxLength },
            });
        }
        var fields = metadata.OfType<OpenApiFormField>().ToList();
        if (fields.Count > 0)
        {
            // .Accepts<IFormFile>("multipart/form-data") keeps the routing's 415 for other bodies; its schema is no field.
            foreach (var media in operation.RequestBody?.Content?.Values ?? [])
                if (media.Schema is OpenApiSchemaReference { Reference.Id: nameof(IFormFile) })
                    context.Document?.Components?.Schemas?.Remove(nameof(IFormFile));
            operation.RequestBody = FormBody(fields);
        }

        operation.Security = [];
        foreach (var guard in guards)
        {
            var scheme = guard == typeof(TenantKeyGuard) ? TenantScheme : guard == typeof(AdminKeyGuard) ? AdminScheme : null;
            if (scheme is not null)
                operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(scheme, context.Document)] = [] });
        }

        operation.Responses ??= new OpenApiResponses();
        foreach (var problem in metadata.OfType<OpenApiProblem>())
            AddProblem(operation, context, problem.Status, problem.Description);
        if (guards.Count > 0)
        {
            var admin = guards.Contains(typeof(AdminKeyGuard));
            AddProblem(operation, context, StatusCodes.Status401Unauthorized, admin
                ? $"Unauthorized: no or a wrong {AdminKeyGuard.Header}"
                : "Unauthorized: no API key, or a malformed, unknown or revoked one",
                admin ? null : ("WWW-Authenticate", "The scheme to authenticate with: Bearer", JsonSchemaType.String));
            AddProblem(operation, context, StatusCodes.Status403Forbidden, admin
                ? "Forbidden: the admin API is disabled (no admin key is configured)"
                : "Forbidden: the tenant is suspended (the detail names the reason)");
            AddProblem(operation, context, StatusCodes.Status429TooManyRequests, admin
                ? "Too many requests: too many wrong keys from this client"
                : "Too many requests: the tenant's rate limit or quota, or too many wrong keys from this client",
                ("Retry-After", "Seconds to wait before retrying", JsonSchemaType.Integer));
        }
        var parameters = operation.Parameters ?? [];
        if (operation.RequestBody is not null || parameters.Any(p => p.In is ParameterLocation.Query))
            AddProblem(operation, context, StatusCodes.Status400BadRequest, "Bad request: a malformed body or an invalid value (the detail names it)");
        if (parameters.Any(p => p.In is ParameterLocation.Path))
            AddProblem(operation, context, StatusCodes.Status404NotFound, "Not found");
        // Statuses the endpoint declared itself (.ProducesProblem): as ProblemDetails, the schema the host writes.
        foreach (var (status, response) in operation.Responses)
            if (int.TryParse(status, out var code) && code >= 400 && response is OpenApiResponse declared)
            {
                declared.Content ??= new Dictionary<string, OpenApiMediaType>();
                declared.Content.Clear();
                declared.Content[ProblemJson] = new OpenApiMediaType { Schema = new OpenApiSchemaReference(ProblemSchema, context.Document) };
            }

        // Server-sent events are text, not one JSON document (ASP.NET describes them as the SseItem type).
        foreach (var response in operation.Responses.Values.OfType<OpenApiResponse>())
            if (response.Content?.TryGetValue("text/event-stream", out var events) is true)
            {
                if (events.Schema is OpenApiSchemaReference { Reference.Id: { } sseItem })
                    context.Document?.Components?.Schemas?.Remove(sseItem);
                events.Schema = new OpenApiSchema
                {
                    Type = JsonSchemaType.String,
                    Description = "A text/event-stream: each event's data is one JSON document, its name the event type",
                };
            }

        // Produces(200, contentType: "image/png") without a type: the file itself.
        foreach (var produced in metadata.OfType<IProducesResponseTypeMetadata>())
            if (produced.Type is null || produced.Type == typeof(void))
                if (operation.Responses.TryGetValue(produced.StatusCode.ToString(), out var r) && r is OpenApiResponse { Content: null or { Count: 0 } } file)
                {
                    file.Content = new Dictionary<string, OpenApiMediaType>();
                    foreach (var type in produced.ContentTypes)
                        file.Content[type] = new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" } };
                }

        var ordered = operation.Responses.OrderBy(r => r.Key, StringComparer.Ordinal).ToList();
        operation.Responses.Clear();
        foreach (var (status, response) in ordered) operation.Responses[status] = response;
    }

    private static void AddProblem(OpenApiOperation operation, OpenApiOperationTransformerContext context, int status, string description,
        (string Name, string Description, JsonSchemaType Type)? header = null)
    {
        var key = status.ToString();
        if (operation.Responses!.ContainsKey(key)) return;
        var response = new OpenApiResponse
        {
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                [ProblemJson] = new OpenApiMediaType { Schema = new OpenApiSchemaReference(ProblemSchema, context.Document) },
            },
        };
        if (header is { } named)
            response.Headers = new Dictionary<string, IOpenApiHeader>
            {
                [named.Name] = new OpenApiHeader { Description = named.Description, Schema = new OpenApiSchema { Type = named.Type } },
            };
        operation.Responses[key] = response;
    }

    private static OpenApiRequestBody FormBody(IReadOnlyList<OpenApiFormField> fields)
    {
        var schema = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Properties = new Dictionary<string, IOpenApiSchema>(),
            Required = new HashSet<string>(fields.Where(f => f.Required).Select(f => f.Name)),
        };
        foreach (var field in fields)
            schema.Properties[field.Name] = new OpenApiSchema
            {
                Type = JsonSchemaType.String,
                Format = field.Binary ? "binary" : null,
                MaxLength = field.MaxLength,
                Description = field.Description,
            };
        return new OpenApiRequestBody
        {
            Required = true,
            Content = new Dictionary<string, OpenApiMediaType> { ["multipart/form-data"] = new OpenApiMediaType { Schema = schema } },
        };
    }

    /// <summary>
    /// The web JSON defaults also read numbers from strings, so the generated schemas say <c>integer | string</c> with a
    /// pattern; the contract is the number.
    /// </summary>
    private static void PlainNumbers(OpenApiSchema schema)
    {
        if (schema.Type is not { } type || (type & (JsonSchemaType.Integer | JsonSchemaType.Number)) == 0) return;
        if ((type & JsonSchemaType.String) == 0 && schema.Pattern is null) return;
        schema.Type = type & ~JsonSchemaType.String;
        schema.Pattern = null;
    }
}
