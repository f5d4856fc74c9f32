using Microsoft.Extensions.Diagnostics.HealthChecks;
using PortraitBooth.Abstractions;
using PortraitBooth.Api.Models;

namespace PortraitBooth.Api.Infrastructure;

/// <summary>Ready when grains answer and the default pack and the face models can be opened.</summary>
public sealed class ReadinessCheck(IGrainFactory grains, PackRegistry packs) : IHealthCheck
{
    public const string Tag = "ready";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await grains.GetGrain<ITenantDirectoryGrain>(ITenantDirectoryGrain.Key).List().WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
            _ = packs.Default.Manifest;
            _ = packs.FaceModels;
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy(e.Message);
        }
    }
}
