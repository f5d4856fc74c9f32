using PortraitBooth.Abstractions;

namespace PortraitBooth.Grains;

[GenerateSerializer, Alias("pb.TenantDirectoryState")]
public sealed class TenantDirectoryState
{
    [Id(0)] public SortedSet<string> TenantIds { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>The one list of tenant ids (the admin API lists tenants from it).</summary>
public sealed class TenantDirectoryGrain(
    [PersistentState("tenants", GrainStorage.Name)] IPersistentState<TenantDirectoryState> state) : Grain, ITenantDirectoryGrain
{
    public async Task<bool> Add(string tenantId)
    {
        if (!state.State.TenantIds.Add(tenantId)) return false;
        await state.WriteStateAsync();
        return true;
    }

    public Task<IReadOnlyList<string>> List() => Task.FromResult<IReadOnlyList<string>>(state.State.TenantIds.ToList());
}
