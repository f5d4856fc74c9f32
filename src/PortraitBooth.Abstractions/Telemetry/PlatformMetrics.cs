using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace PortraitBooth.Abstractions.Telemetry;

/// <summary>
/// The platform's meter and every instrument on it: job outcomes per tenant (recorded by the job grain, which every
/// transition passes through), tenant queues (reported by the tenant grain's activation), the identity caches
/// (by the identity grain) and jobs running on a worker. Static, as the BCL advises for a meter shared by grains and
/// the worker; a host exports it by <see cref="MeterName"/>. Sampling and face-analysis times are
/// PortraitBooth.Inference's own meter.
/// </summary>
public static class PlatformMetrics
{
    public const string MeterName = "PortraitBooth";

    public const string TenantTag = "tenant";
    public const string WorkerTag = "worker";
    public const string CacheTag = "cache";
    public const string ResultTag = "result";

    public const string JobsSubmittedName = "portraitbooth.jobs.submitted";
    public const string JobsRefusedName = "portraitbooth.jobs.refused";
    public const string JobsSucceededName = "portraitbooth.jobs.succeeded";
    public const string JobsFailedName = "portraitbooth.jobs.failed";
    public const string JobsCancelledName = "portraitbooth.jobs.cancelled";
    public const string TenantJobsQueuedName = "portraitbooth.tenant.jobs.queued";
    public const string TenantJobsInFlightName = "portraitbooth.tenant.jobs.in_flight";
    public const string WorkerJobsInFlightName = "portraitbooth.worker.jobs.in_flight";
    public const string IdentityCacheLookupsName = "portraitbooth.identity.cache.lookups";

    /// <summary>Values of <see cref="CacheTag"/>: φ per face encoder, and fused STEA tokens (the conditioning cache).</summary>
    public const string EmbeddingCache = "embedding", FusedTokenCache = "fused_token";

    private static readonly Meter Meter = new(MeterName);
    private static readonly ConcurrentDictionary<string, (int Queued, int InFlight)> TenantJobs = new();

    private static readonly Counter<long> Submitted = Meter.CreateCounter<long>(JobsSubmittedName, "{job}", "Jobs accepted (dispatched or queued)");
    private static readonly Counter<long> Refused = Meter.CreateCounter<long>(JobsRefusedName, "{job}", "Jobs refused at admission (quota, rate, suspension)");
    private static readonly Counter<long> Succeeded = Meter.CreateCounter<long>(JobsSucceededName, "{job}", "Jobs that ended with their images stored");
    private static readonly Counter<long> Failed = Meter.CreateCounter<long>(JobsFailedName, "{job}", "Jobs that ended in failure");
    private static readonly Counter<long> Cancelled = Meter.CreateCounter<long>(JobsCancelledName, "{job}", "Jobs cancelled while queued or running");
    private static readonly UpDownCounter<long> WorkerInFlight = Meter.CreateUpDownCounter<long>(WorkerJobsInFlightName, "{job}",
        "Jobs this worker is running now");
    private static readonly Counter<long> CacheLookups = Meter.CreateCounter<long>(IdentityCacheLookupsName, "{lookup}",
        "Identity grain cache lookups by cache (embedding, fused_token) and result (hit, miss)");

    static PlatformMetrics()
    {
        Meter.CreateObservableGauge(TenantJobsQueuedName, () => TenantMeasurements(j => j.Queued), "{job}",
            "Jobs waiting in the tenant's queue (reported by the silo holding the tenant)");
        Meter.CreateObservableGauge(TenantJobsInFlightName, () => TenantMeasurements(j => j.InFlight), "{job}",
            "Jobs holding one of the tenant's in-flight slots (reported by the silo holding the tenant)");
    }

    public static void JobSubmitted(string tenant) => Submitted.Add(1, Tenant(tenant));
    public static void JobRefused(string tenant) => Refused.Add(1, Tenant(tenant));

    /// <summary>Counts a job's end by its final status; other statuses are no end and count nothing.</summary>
    public static void JobEnded(string tenant, JobStatus status)
    {
        var counter = status switch
        {
            JobStatus.Succeeded => Succeeded,
            JobStatus.Failed => Failed,
            JobStatus.Cancelled => Cancelled,
            _ => null,
        };
        counter?.Add(1, Tenant(tenant));
    }

    /// <summary>The tenant's queue and in-flight counts as this process's activation holds them now.</summary>
    public static void TenantJobsNow(string tenant, int queued, int inFlight) => TenantJobs[tenant] = (queued, inFlight);

    /// <summary>The tenant's activation left this process: another silo reports it from now on.</summary>
    public static void TenantDeactivated(string tenant) => TenantJobs.TryRemove(tenant, out _);

    public static void IdentityCacheLookup(string cache, bool hit) =>
        CacheLookups.Add(1, new KeyValuePair<string, object?>(CacheTag, cache), new KeyValuePair<string, object?>(ResultTag, hit ? "hit" : "miss"));

    /// <summary>Counts a job as running on <paramref name="worker"/> until the returned scope is disposed.</summary>
    public static IDisposable WorkerJobRunning(string worker)
    {
        var tag = new KeyValuePair<string, object?>(WorkerTag, worker);
        WorkerInFlight.Add(1, tag);
        return new EndRunning(tag);
    }

    private static KeyValuePair<string, object?> Tenant(string tenant) => new(TenantTag, tenant);

    private static IEnumerable<Measurement<int>> TenantMeasurements(Func<(int Queued, int InFlight), int> value) =>
        TenantJobs.Select(entry => new Measurement<int>(value(entry.Value), Tenant(entry.Key)));

    private sealed class EndRunning(KeyValuePair<string, object?> tag) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) WorkerInFlight.Add(-1, tag);
        }
    }
}
