namespace PortraitBooth.Abstractions;

/// <summary>
/// One signed-in dashboard session, keyed by the random session id its cookie carries. A cookie cannot be taken back
/// (it opens the dashboard wherever it is replayed until it expires), so each request also asks this grain whether the
/// session is still open, and signing out closes it. A grain rather than a set in the host's memory: that would do for
/// the embedded host (one process serves every request), but in distributed mode any api silo may serve the next
/// request, and the grain, with its state in Redis, is the same one for all of them.
/// </summary>
public interface IDashboardSessionGrain : IGrainWithStringKey
{
    Task Open();

    /// <summary>True from <see cref="Open"/> until <see cref="Close"/>; false for an id never opened.</summary>
    Task<bool> IsOpen();

    Task Close();
}
