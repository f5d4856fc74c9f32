using System.Net.ServerSentEvents;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using PortraitBooth.Abstractions;
using PortraitBooth.Abstractions.Events;
using PortraitBooth.Api.Infrastructure;
using PortraitBooth.Api.Models;
using PortraitBooth.Abstractions.Storage;
using PortraitBooth.Inference.Randomness;
using PortraitBooth.Inference.Sampling;

namespace PortraitBooth.Api.Endpoints;

/// <summary><c>/v1/generations</c>: submit, list, read, follow (server-sent events), download images, cancel.</summary>
public static class GenerationEndpoints
{
    public const string IdempotencyHeader = "Idempotency-Key";
    public const int MaxIdempotencyKeyLength = 200;

    public static RouteGroupBuilder MapGenerations(this RouteGroupBuilder v1)
    {
        var generations = v1.MapGroup("/generations").WithTags("Generations");
        generations.MapPost("/", Submit).WithName("SubmitGeneration")
            .WithSummary("Queue a generation; 202 with its id and Location. Send Idempotency-Key to make retries safe.")
            .WithMetadata(new OpenApiHeaderParameter(IdempotencyHeader,
                "Makes retries safe: the same key with the same request answers the same job; with a different request 422",
                MaxIdempotencyKeyLength))
            .WithProblem(StatusCodes.Status422UnprocessableEntity, $"The {IdempotencyHeader} was used for a different request");
        generations.MapGet("/", List).WithName("ListGenerations").WithSummary("The tenant's generations, a page at a time (limit, cursor)");
        generations.MapGet("/{id}", Get).WithName("GetGeneration").WithSummary("One generation: its state, progress and, once done, images and timings");
        generations.MapGet("/{id}/events", Events).WithName("GenerationEvents")
            .WithSummary("Server-sent events: the current state, 'progress' for every sampling step, then one final event named after the end state");
        generations.MapGet("/{id}/images/{n:int}", Image).WithName("GetGenerationImage").Produces(200, contentType: "image/png")
            .WithSummary("Image n (from 0) of a generation that succeeded, as PNG")
            .WithProblem(StatusCodes.Status409Conflict, "Not ready: the generation has not succeeded (yet)")
            .WithProblem(StatusCodes.Status410Gone, "Gone: the generation's images expired (expires_at)");
        generations.MapPost("/{id}/cancel", Cancel).WithName("CancelGeneration")
            .WithSummary("Cancel a generation; one that already ended keeps its end state");
        return v1;
    }

    private static async Task<Accepted<GenerationView>> Submit(HttpContext http, GenerationBody body, GenerationValidator validator,
        IGrainFactory grains, TimeProvider time)
    {
        var tenantId = http.TenantId();
        var idempotencyKey = http.Request.Headers[IdempotencyHeader].ToString();
        if (idempotencyKey.Length > MaxIdempotencyKeyLength)
            throw new InvalidRequestException($"{IdempotencyHeader} must be at most {MaxIdempotencyKeyLength} characters");
        var jobId = idempotencyKey.Length > 0 ? Ids.ForIdempotencyKey(tenantId, idempotencyKey) : Ids.New("gen", time);
        // A retry without a seed must describe the same job: its default seed comes from the job id.
        var defaultSeed = idempotencyKey.Length > 0 ? Seeds.DerivedFrom(jobId) : Seeds.Random();
        var spec = await validator.Validate(tenantId, body, defaultSeed);

        var job = grains.GetGrain<IGenerationJobGrain>(jobId);
        // Only an idempotency key can name an earlier job: a fresh id skips the extra grain call.
        if (idempotencyKey.Length > 0 && await job.Get() is { } earlier && !JobSpecs.Same(earlier.Spec, spec))
            throw new ApiException(StatusCodes.Status422UnprocessableEntity, "Idempotency key reused",
                $"{IdempotencyHeader} '{idempotencyKey}' was used for a different request");
        var (snapshot, admission) = await job.Submit(spec);
        if (admission.Decision == AdmissionDecision.Refused)
            throw ApiException.TooManyRequests(admission.Reason ?? "the tenant's quota is exhausted", admission.RetryAfter);
        return TypedResults.Accepted($"/v1/generations/{jobId}", GenerationView.From(snapshot));
    }

    private static async Task<Ok<Page<GenerationView>>> List(HttpContext http, IGrainFactory grains, int? limit, string? cursor)
    {
        var tenantId = http.TenantId();
        var (ids, next) = Paging.Slice(await grains.GetGrain<ITenantGrain>(tenantId).Jobs(), limit, cursor);
        var jobs = await Task.WhenAll(ids.Select(id => grains.GetGrain<IGenerationJobGrain>(id).Get()));
        var views = jobs.OfType<JobSnapshot>().Where(j => j.Spec.TenantId == tenantId).Select(GenerationView.From).ToList();
        return TypedResults.Ok(new Page<GenerationView>(views, next));
    }

    private static async Task<Ok<GenerationView>> Get(HttpContext http, IGrainFactory grains, string id) =>
        TypedResults.Ok(GenerationView.From(await Find(http, grains, id)));

    private static async Task<ServerSentEventsResult<string>> Events(HttpContext http, IGrainFactory grains, IJobEvents events, string id,
        IOptions<PortraitBoothApiOptions> options, IOptions<JsonOptions> json, CancellationToken cancellationToken)
    {
        // Subscribe before reading the snapshot: whatever happens after the snapshot is then in the subscription.
        var subscription = await events.Subscribe(id, cancellationToken);
        try
        {
            var first = await Find(http, grains, id);
            return TypedResults.ServerSentEvents(new JobEventStream(grains.GetGrain<IGenerationJobGrain>(id), subscription,
                options.Value.EventRecheckInterval, json.Value.SerializerOptions).Follow(first, cancellationToken));
        }
        catch
        {
            await subscription.DisposeAsync();
            throw;
        }
    }

    private static async Task<FileContentHttpResult> Image(HttpContext http, IGrainFactory grains, IResultStore results, TimeProvider time, string id, int n) =>
        await ResultImages.Read(await Find(http, grains, id), n, results, time, http.RequestAborted);

    private static async Task<Ok<GenerationView>> Cancel(HttpContext http, IGrainFactory grains, string id)
    {
        await Find(http, grains, id);
        var snapshot = await grains.GetGrain<IGenerationJobGrain>(id).Cancel();
        return TypedResults.Ok(GenerationView.From(snapshot ?? await Find(http, grains, id)));
    }

    /// <summary>The job if it belongs to the key's tenant; any other job is not found.</summary>
    private static async Task<JobSnapshot> Find(HttpContext http, IGrainFactory grains, string id)
    {
        var job = await grains.GetGrain<IGenerationJobGrain>(id).Get();
        return job is not null && job.Spec.TenantId == http.TenantId() ? job : throw ApiException.NotFound($"generation '{id}'");
    }
}
