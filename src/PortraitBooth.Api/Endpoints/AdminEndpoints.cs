using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using PortraitBooth.Abstractions;
using PortraitBooth.Abstractions.Messages;
using PortraitBooth.Api.Infrastructure;
using PortraitBooth.Api.Models;
using PortraitBooth.Inference.Sampling;

namespace PortraitBooth.Api.Endpoints;

/// <summary><c>/v1/admin</c> (header <c>X-Admin-Key</c>): tenants, their keys, quotas and suspension (the dashboard maps the same handlers); the job error queue.</summary>
public static partial class AdminEndpoints
{
    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,39}$")]
    private static partial Regex TenantIdPattern();

    private const int MaxErrorQueueListed = 1000;

    public static RouteGroupBuilder MapAdmin(this RouteGroupBuilder v1)
    {
        v1.MapGroup("/admin/tenants").WithTags("Admin").RequireAdminKey().MapTenantAdministration(namePrefix: "");
        v1.MapGet("/admin/error-queue", ListErrorQueue).WithTags("Admin").RequireAdminKey().WithName("ListErrorQueue")
            .WithSummary("The job messages the workers gave up on, oldest first; listing leaves them in the queue")
            .WithProblem(StatusCodes.Status501NotImplemented, "Not implemented: embedded mode keeps no error queue (distributed mode only)");
        return v1;
    }

    /// <summary>The tenant handlers on <paramref name="tenants"/>: the admin API's, and the dashboard's behind its sign-in.</summary>
    internal static RouteGroupBuilder MapTenantAdministration(this RouteGroupBuilder tenants, string namePrefix)
    {
        tenants.MapPost("/", Create).WithName(namePrefix + "CreateTenant").WithSummary("Create a tenant; answers its first API key (shown once)")
            .WithProblem(StatusCodes.Status409Conflict, "Conflict: a tenant with this id exists already");
        tenants.MapGet("/", List).WithName(namePrefix + "ListTenants").WithSummary("Every tenant, with its keys, quotas and usage");
        tenants.MapGet("/{id}", Get).WithName(namePrefix + "GetTenant").WithSummary("One tenant, with its keys, quotas and usage");
        tenants.MapPost("/{id}/keys", CreateKey).WithName(namePrefix + "CreateTenantKey")
            .WithSummary("Create another API key for a tenant (optional label); answers the key (shown once)");
        tenants.MapDelete("/{id}/keys/{keyId}", RevokeKey).WithName(namePrefix + "RevokeTenantKey")
            .WithSummary("Revoke one of a tenant's API keys; requests with it answer 401 from then on");
        tenants.MapPut("/{id}/quotas", SetQuotas).WithName(namePrefix + "SetTenantQuotas")
            .WithSummary("Set a tenant's quotas: the quotas the body names change, the ones it leaves out keep their values");
        tenants.MapPost("/{id}/suspend", Suspend).WithName(namePrefix + "SuspendTenant")
            .WithSummary("Suspend a tenant (optional reason): its keys answer 403 with the reason until it is resumed");
        tenants.MapPost("/{id}/resume", Resume).WithName(namePrefix + "ResumeTenant").WithSummary("Resume a suspended tenant");
        return tenants;
    }

    /// <summary>Every tenant in the directory, described (the admin API's list and the dashboard's view).</summary>
    internal static async Task<IReadOnlyList<TenantInfo>> DescribeAll(IGrainFactory grains)
    {
        var ids = await grains.GetGrain<ITenantDirectoryGrain>(ITenantDirectoryGrain.Key).List();
        var infos = await Task.WhenAll(ids.Select(id => grains.GetGrain<ITenantGrain>(id).Describe()));
        return infos.OfType<TenantInfo>().ToList();
    }

    private static async Task<Created<TenantCreated>> Create(TenantCreateBody body, IGrainFactory grains, TimeProvider time)
    {
        var id = string.IsNullOrWhiteSpace(body.Id) ? Ids.New("t", time).Replace("_", "-") : body.Id;
        if (!TenantIdPattern().IsMatch(id))
            throw new InvalidRequestException($"tenant id '{id}' must be 1-40 characters of a-z, 0-9 and '-', starting with a letter or digit");
        var name = string.IsNullOrWhiteSpace(body.Name) ? id : body.Name.Trim();
        var quotas = body.Quotas ?? new TenantQuotas();
        CheckQuotas(quotas);
        var tenant = grains.GetGrain<ITenantGrain>(id);
        if (await tenant.Describe() is not null)
            throw new ApiException(StatusCodes.Status409Conflict, "Conflict", $"tenant '{id}' already exists");
        var key = await tenant.Create(name, quotas);
        await grains.GetGrain<ITenantDirectoryGrain>(ITenantDirectoryGrain.Key).Add(id);
        return TypedResults.Created($"/v1/admin/tenants/{id}", new TenantCreated(id, name, key.KeyId, key.Key));
    }

    private static async Task<Ok<IReadOnlyList<TenantInfo>>> List(IGrainFactory grains) => TypedResults.Ok(await DescribeAll(grains));

    private static async Task<Ok<TenantInfo>> Get(IGrainFactory grains, string id) => TypedResults.Ok(await Find(grains, id));

    private static async Task<Created<KeyCreated>> CreateKey(IGrainFactory grains, string id, KeyCreateBody? body)
    {
        await Find(grains, id);
        var key = await grains.GetGrain<ITenantGrain>(id).CreateKey(string.IsNullOrWhiteSpace(body?.Label) ? "api" : body.Label.Trim());
        return TypedResults.Created($"/v1/admin/tenants/{id}/keys/{key.KeyId}", new KeyCreated(key.KeyId, key.Key));
    }

    private static async Task<NoContent> RevokeKey(IGrainFactory grains, string id, string keyId)
    {
        await Find(grains, id);
        return await grains.GetGrain<ITenantGrain>(id).RevokeKey(keyId) ? TypedResults.NoContent() : throw ApiException.NotFound($"key '{keyId}' of tenant '{id}'");
    }

    private static async Task<Ok<TenantInfo>> SetQuotas(IGrainFactory grains, string id, TenantQuotasUpdate update)
    {
        var quotas = update.AppliedTo((await Find(grains, id)).Quotas);
        CheckQuotas(quotas);
        await grains.GetGrain<ITenantGrain>(id).SetQuotas(quotas);
        return TypedResults.Ok(await Find(grains, id));
    }

    private static async Task<Ok<TenantInfo>> Suspend(IGrainFactory grains, string id, SuspendBody? body)
    {
        await Find(grains, id);
        await grains.GetGrain<ITenantGrain>(id).Suspend(string.IsNullOrWhiteSpace(body?.Reason) ? "suspended by an administrator" : body.Reason.Trim());
        return TypedResults.Ok(await Find(grains, id));
    }

    private static async Task<Ok<TenantInfo>> Resume(IGrainFactory grains, string id)
    {
        await Find(grains, id);
        await grains.GetGrain<ITenantGrain>(id).Resume();
        return TypedResults.Ok(await Find(grains, id));
    }

    /// <summary>Distributed mode only: the embedded in-memory transport keeps no error queue to read (501).</summary>
    private static async Task<Ok<IReadOnlyList<FailedJobMessage>>> ListErrorQueue(IServiceProvider services, CancellationToken cancellationToken, int? limit)
    {
        var max = limit ?? 100;
        if (max is < 1 or > MaxErrorQueueListed) throw new InvalidRequestException($"limit must be between 1 and {MaxErrorQueueListed}, got {max}");
        var queue = services.GetService<IJobErrorQueue>() ?? throw new ApiException(StatusCodes.Status501NotImplemented, "Not Implemented",
            "the error queue exists in distributed mode only (RabbitMQ); embedded mode's in-memory transport keeps none");
        return TypedResults.Ok(await queue.Peek(max, cancellationToken));
    }

    private static async Task<TenantInfo> Find(IGrainFactory grains, string id) =>
        await grains.GetGrain<ITenantGrain>(id).Describe() ?? throw ApiException.NotFound($"tenant '{id}'");

    private static void CheckQuotas(TenantQuotas quotas)
    {
        if (quotas.MaxJobsInFlight < 1) throw new InvalidRequestException("quotas.max_jobs_in_flight must be at least 1");
        if (quotas.ImagesPerDay < 0) throw new InvalidRequestException("quotas.images_per_day must not be negative");
        if (quotas.MaxIdentities < 0) throw new InvalidRequestException("quotas.max_identities must not be negative");
        if (quotas.RequestsPerMinute < 1) throw new InvalidRequestException("quotas.requests_per_minute must be at least 1");
    }
}
