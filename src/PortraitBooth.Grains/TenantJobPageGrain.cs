using PortraitBooth.Abstractions;

namespace PortraitBooth.Grains;

[GenerateSerializer, Alias("pb.TenantJobPage")]
public sealed class TenantJobPage
{
    /// <summary>Job ids, newest first.</summary>
    [Id(0)] public List<string> Ids { get; set; } = [];
}

/// <summary>One sealed page of a tenant's recent job ids (see <see cref="RecentJobPages"/>); written once per lap of the ring.</summary>
public sealed class TenantJobPageGrain(
    [PersistentState("jobs", GrainStorage.Name)] IPersistentState<TenantJobPage> state) : Grain, ITenantJobPageGrain
{
    public async Task Store(IReadOnlyList<string> ids)
    {
        state.State.Ids = [.. ids];
        await state.WriteOrDeactivate(this);
    }

    public Task<IReadOnlyList<string>> Ids() => Task.FromResult<IReadOnlyList<string>>(state.State.Ids);
}
