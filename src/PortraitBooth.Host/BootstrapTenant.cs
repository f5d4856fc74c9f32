using Microsoft.Extensions.Options;
using PortraitBooth.Abstractions;
using PortraitBooth.Api;

namespace PortraitBooth.Host;

/// <summary>
/// At start-up (after the silo): creates tenant "default" when absent and prints a fresh API key for it, so a first
/// run can call the API at once. Grain state is in memory, so every start creates the tenant anew.
/// </summary>
public sealed class BootstrapTenant(IGrainFactory grains, IOptions<PortraitBoothHostOptions> options,
    IOptions<PortraitBoothApiOptions> api, ILogger<BootstrapTenant> logger) : IHostedService
{
    public const string TenantId = "default";

    /// <summary>The key printed at start-up (null when bootstrapping is off).</summary>
    public string? Key { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.BootstrapTenant) return;
        var tenant = grains.GetGrain<ITenantGrain>(TenantId);
        var key = await tenant.Describe() is null ? await tenant.Create(TenantId, new TenantQuotas()) : await tenant.CreateKey("bootstrap");
        await grains.GetGrain<ITenantDirectoryGrain>(ITenantDirectoryGrain.Key).Add(TenantId);
        Key = key.Key;
        logger.LogInformation("Bootstrap tenant '{Tenant}' key {KeyId} issued", TenantId, key.KeyId);
        Console.WriteLine($"PortraitBooth: tenant '{TenantId}' API key: {key.Key}");
        if (options.Value.GeneratedAdminKey)
            Console.WriteLine($"PortraitBooth: admin key (X-Admin-Key, generated for this run): {api.Value.AdminKey}");
        if (options.Value.Mode == Distributed.HostMode.Embedded)
            Console.WriteLine("PortraitBooth: grain state is kept in memory and is lost on restart");
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
