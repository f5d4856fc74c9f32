using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PortraitBooth.Abstractions;

namespace PortraitBooth.Worker.Running;

/// <summary>Sends this worker's <see cref="WorkerActivity"/> to the operations grain every <see cref="PortraitWorkerOptions.HeartbeatInterval"/>.</summary>
public sealed class WorkerHeartbeats(WorkerActivity activity, IGrainFactory grains, IOptions<PortraitWorkerOptions> options,
    ILogger<WorkerHeartbeats> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.HeartbeatInterval);
        do
        {
            try
            {
                await grains.GetGrain<IOperationsGrain>(IOperationsGrain.Key).Heartbeat(activity.Heartbeat());
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // The cluster may still be starting, or the api silo restarting: the next beat tries again.
                logger.LogDebug(e, "Worker heartbeat not delivered");
            }
        } while (await WaitNext(timer, stoppingToken));
    }

    private static async Task<bool> WaitNext(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try { return await timer.WaitForNextTickAsync(stoppingToken); }
        catch (OperationCanceledException) { return false; }
    }
}
