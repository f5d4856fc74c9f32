using MassTransit;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace PortraitBooth.Host.Distributed;

/// <summary>
/// Ready when the MassTransit bus is connected to RabbitMQ (its receive endpoints, on gpu silos, included). The bus
/// reports its state without waiting, so a broker that is down answers at once instead of hanging the probe.
/// </summary>
public sealed class BrokerReadinessCheck(IBusControl bus) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var health = bus.CheckHealth();
        return Task.FromResult(health.Status == BusHealthStatus.Healthy
            ? HealthCheckResult.Healthy(health.Description)
            : HealthCheckResult.Unhealthy("RabbitMQ: " + health.Description));
    }
}
