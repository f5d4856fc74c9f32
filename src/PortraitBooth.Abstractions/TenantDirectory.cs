namespace PortraitBooth.Abstractions;

/// <summary>
/// The list of tenant ids, for the admin API (use key <see cref="Key"/>: there is one). Tenants are added here
/// right after <see cref="ITenantGrain.Create"/>; the tenant grains stay the source of truth.
/// </summary>
public interface ITenantDirectoryGrain : IGrainWithIntegerKey
{
    public const long Key = 0;

    /// <summary>False when the id was already listed.</summary>
    Task<bool> Add(string tenantId);
    Task<IReadOnlyList<string>> List();
}
