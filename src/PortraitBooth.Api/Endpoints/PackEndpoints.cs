using PortraitBooth.Api.Models;

namespace PortraitBooth.Api.Endpoints;

public static class PackEndpoints
{
    public static RouteGroupBuilder MapPacks(this RouteGroupBuilder v1)
    {
        v1.MapGet("/packs", (PackRegistry packs) =>
                TypedResults.Ok(new PackList(packs.Names.Select(n => PackView.From(packs.Get(n), n == packs.DefaultPack)).ToList(), packs.DefaultPack)))
            .WithName("ListPacks").WithTags("Packs").WithSummary("The installed model packs");
        return v1;
    }
}
