namespace PortraitBooth.Grains;

/// <summary>
/// Grains change their state in memory, then write it. When the write fails (storage unreachable), the in-memory
/// change must not outlive it: the activation is dropped so the next call reloads what storage really holds, and the
/// caller sees the error and can retry the whole operation.
/// </summary>
internal static class StateWrites
{
    public static async Task WriteOrDeactivate<T>(this IPersistentState<T> state, Grain grain)
    {
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            grain.GrainContext.Deactivate(new DeactivationReason(DeactivationReasonCode.ApplicationRequested, "grain state write failed"));
            throw;
        }
    }
}
