using PortraitBooth.Api.Models;

namespace PortraitBooth.Api.Endpoints;

public static class PackEndpoints
{
    public static RouteGroupBuilder MapPacks(this RouteGroupBuilder v1)
    {
        v1.MapGet("/packs", (PackRegistry packs) => TypedResults.Ok(List(packs)))
            .WithName("ListPacks").WithTags("Packs")
            .WithSummary("The installed model packs")
            .WithDescription("Each pack's sizes, words, defaults (steps, guidance, size of a request that names none), VAE pixel range and model card.");
        return v1;
    }

    /// <summary>Every installed pack, as <c>/v1/packs</c> and the admin dashboard show them.</summary>
    public static PackList List(PackRegistry packs) =>
        new(packs.Names.Select(n => PackView.From(packs.Get(n), n == packs.DefaultPack)).ToList(), packs.DefaultPack);
}
