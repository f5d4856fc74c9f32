using PortraitBooth.Abstractions;

namespace PortraitBooth.Grains;

[GenerateSerializer, Alias("pb.DashboardSessionState")]
public sealed class DashboardSessionState
{
    [Id(0)] public DateTimeOffset OpenedAt { get; set; }
}

/// <summary>
/// A dashboard session is open while its record exists: closing removes it, so a replayed cookie finds nothing. A
/// session that is never closed keeps its small record (embedded: in memory until the host restarts, which closes
/// every session).
/// </summary>
public sealed class DashboardSessionGrain(
    [PersistentState("dashboard-session", GrainStorage.Name)] IPersistentState<DashboardSessionState> state,
    TimeProvider time) : Grain, IDashboardSessionGrain
{
    public async Task Open()
    {
        state.State.OpenedAt = time.GetUtcNow();
        await state.WriteStateAsync();
    }

    public Task<bool> IsOpen() => Task.FromResult(state.RecordExists);

    public async Task Close()
    {
        if (state.RecordExists) await state.ClearStateAsync();
        DeactivateOnIdle();
    }
}
