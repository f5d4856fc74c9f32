namespace PortraitBooth.Grains;

/// <summary>
/// A tenant's recent job ids without a tenant state that grows with its job count: the newest ids (at most
/// <see cref="PageSize"/>) stay in the tenant's state, written with each admission; each full page is written once to
/// a <see cref="TenantJobPageGrain"/>. Pages form a ring of <see cref="Pages"/> slots, the oldest overwritten, so
/// storage keeps at most <see cref="TenantGrain.MaxJobsListed"/> + <see cref="PageSize"/> ids per tenant.
/// </summary>
public static class RecentJobPages
{
    public const int PageSize = 50;
    public const int Pages = TenantGrain.MaxJobsListed / PageSize;

    /// <summary>The page grain's key: the tenant and the page's slot in the ring.</summary>
    public static string Key(string tenantId, long page) => $"{tenantId}/{page % Pages}";

    /// <summary>The sealed pages still in the ring, newest first.</summary>
    public static IEnumerable<long> Listed(long sealedPages)
    {
        for (var page = sealedPages - 1; page >= Math.Max(0, sealedPages - Pages); page--) yield return page;
    }
}
