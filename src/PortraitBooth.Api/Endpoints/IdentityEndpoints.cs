using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using PortraitBooth.Abstractions;
using PortraitBooth.Api.Infrastructure;
using PortraitBooth.Api.Models;
using PortraitBooth.Abstractions.Storage;
using PortraitBooth.Inference.Sampling;

namespace PortraitBooth.Api.Endpoints;

/// <summary><c>/v1/identities</c>: upload a photo of one person, list, read and delete identities of the key's tenant.</summary>
public static class IdentityEndpoints
{
    public const int MaxNameLength = 200;

    public static RouteGroupBuilder MapIdentities(this RouteGroupBuilder v1)
    {
        var identities = v1.MapGroup("/identities").WithTags("Identities");
        identities.MapPost("/", Create).WithName("CreateIdentity").DisableAntiforgery()
            .Accepts<IFormFile>("multipart/form-data")
            .WithSummary("Upload a photo (form field 'photo', optional 'name'); the largest face becomes the identity")
            .WithMetadata(new OpenApiFormField("photo", "The photo (JPEG, PNG, ...)", Binary: true, Required: true),
                new OpenApiFormField("name", "A name for the identity", MaxLength: MaxNameLength))
            .WithProblem(StatusCodes.Status409Conflict, "Identity limit reached: the tenant's max_identities")
            .WithProblem(StatusCodes.Status413PayloadTooLarge, "Payload too large: the photo is over the upload limit (MaxUploadBytes)")
            .WithProblem(StatusCodes.Status422UnprocessableEntity, "Unusable photo: no face, not an image, or too many pixels");
        identities.MapGet("/", List).WithName("ListIdentities").WithSummary("The tenant's identities, a page at a time (limit, cursor)");
        identities.MapGet("/{id}", Get).WithName("GetIdentity").WithSummary("One identity: its name, face box and face encoders");
        identities.MapDelete("/{id}", Delete).WithName("DeleteIdentity").WithSummary("Delete an identity and its photo");
        return v1;
    }

    private static async Task<Created<IdentityView>> Create(HttpContext http, FaceWork faces, IGrainFactory grains, IBlobStore photos,
        IOptions<PortraitBoothApiOptions> options, TimeProvider time, CancellationToken cancellationToken)
    {
        var tenantId = http.TenantId();
        var maxBytes = options.Value.MaxUploadBytes;
        // The whole body may exceed the photo by the multipart framing and the name; Kestrel cuts anything far larger.
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = maxBytes + 64 * 1024;
        var form = await MultipartForm.Read(http.Request, cancellationToken);
        var photo = form.Files.GetFile("photo") ?? throw new InvalidRequestException("the form has no 'photo' file");
        if (photo.Length > maxBytes)
            throw new ApiException(StatusCodes.Status413PayloadTooLarge, "Payload too large",
                $"the photo is {photo.Length} bytes; at most {maxBytes} are accepted");
        var name = form["name"].ToString() is { Length: > 0 } given ? given.Trim() : null;
        if (name is { Length: > MaxNameLength }) throw new InvalidRequestException($"name must be at most {MaxNameLength} characters");

        byte[] bytes;
        using (var buffer = new MemoryStream((int)photo.Length))
        {
            await photo.CopyToAsync(buffer, cancellationToken);
            bytes = buffer.ToArray();
        }
        var upload = await faces.Analyze(bytes, photo.FileName is { Length: > 0 } fileName ? fileName : "photo", cancellationToken);

        var identityId = Ids.New("idn", time);
        var blobKey = StoreKeys.Photo(tenantId, identityId);
        var tenant = grains.GetGrain<ITenantGrain>(tenantId);
        await photos.Put(blobKey, upload.StoredJpeg, cancellationToken);
        var identity = grains.GetGrain<IIdentityGrain>(IIdentityGrain.Key(tenantId, identityId));
        var record = new IdentityRecord(tenantId, identityId, name, blobKey, upload.FaceBox, upload.FacesFound, time.GetUtcNow());
        await identity.Create(record);
        await identity.PutEmbedding(upload.FaceEncoderId, upload.Embedding);
        if (!await tenant.AddIdentity(identityId))
        {
            await identity.Delete();
            await photos.Delete(blobKey, CancellationToken.None);
            throw new ApiException(StatusCodes.Status409Conflict, "Identity limit reached", "the tenant has reached its identity quota (max_identities)");
        }
        return TypedResults.Created($"/v1/identities/{identityId}",
            new IdentityView(identityId, name, upload.FaceBox, upload.FacesFound, record.CreatedAt, [upload.FaceEncoderId]));
    }

    private static async Task<Ok<Page<IdentityView>>> List(HttpContext http, IGrainFactory grains, int? limit, string? cursor)
    {
        var tenantId = http.TenantId();
        var (ids, next) = Paging.Slice(await grains.GetGrain<ITenantGrain>(tenantId).Identities(), limit, cursor);
        var infos = await Task.WhenAll(ids.Select(id => grains.GetGrain<IIdentityGrain>(IIdentityGrain.Key(tenantId, id)).Describe()));
        return TypedResults.Ok(new Page<IdentityView>(infos.OfType<IdentityInfo>().Select(IdentityView.From).ToList(), next));
    }

    private static async Task<Ok<IdentityView>> Get(HttpContext http, IGrainFactory grains, string id) =>
        TypedResults.Ok(IdentityView.From(await Find(http, grains, id)));

    private static async Task<NoContent> Delete(HttpContext http, IGrainFactory grains, IBlobStore photos, string id)
    {
        var tenantId = http.TenantId();
        await Find(http, grains, id);
        var blobKey = await grains.GetGrain<IIdentityGrain>(IIdentityGrain.Key(tenantId, id)).Delete();
        await grains.GetGrain<ITenantGrain>(tenantId).RemoveIdentity(id);
        if (blobKey is not null) await photos.Delete(blobKey);
        return TypedResults.NoContent();
    }

    /// <summary>The identity of the key's tenant; another tenant's id is simply not found (the grain key includes the tenant).</summary>
    private static async Task<IdentityInfo> Find(HttpContext http, IGrainFactory grains, string id)
    {
        var tenantId = http.TenantId();
        var info = await grains.GetGrain<IIdentityGrain>(IIdentityGrain.Key(tenantId, id)).Describe();
        return info is not null && info.Record.TenantId == tenantId ? info : throw ApiException.NotFound($"identity '{id}'");
    }
}
