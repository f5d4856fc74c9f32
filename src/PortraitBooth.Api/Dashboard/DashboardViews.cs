using PortraitBooth.Abstractions;
using PortraitBooth.Api.Models;

namespace PortraitBooth.Api.Dashboard;

// What the dashboard polls (snake_case JSON), built from the operations grain, the tenants and the jobs.

public sealed record DashboardOverview(
    IReadOnlyList<TenantInfo> Tenants,
    IReadOnlyList<DashboardJob> Jobs,
    IReadOnlyList<DashboardJob> Failures,
    IReadOnlyList<DashboardWorker> Workers,
    IReadOnlyList<MinuteCount> Throughput,
    IReadOnlyList<GalleryTenant> Gallery,
    DateTimeOffset At);

public sealed record DashboardJob(string Id, string TenantId, string Status, string Prompt, IReadOnlyList<ulong> Seeds, int Step, int TotalSteps,
    string? Error, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static DashboardJob From(JobActivity activity, JobSnapshot? job) =>
        new(activity.JobId, activity.TenantId, GenerationView.StatusName(job?.Status ?? activity.Status), activity.Prompt, activity.Seeds,
            job?.Step ?? 0, job?.TotalSteps ?? 0, job?.Error ?? activity.Error, activity.CreatedAt, activity.UpdatedAt);
}

public sealed record DashboardWorker(string Id, string Device, int? Capacity, int InFlight, long Completed, double JobsPerMinute, DateTimeOffset LastSeen)
{
    public static DashboardWorker From(WorkerStatus worker) =>
        new(worker.Last.WorkerId, worker.Last.Device, worker.Last.Capacity, worker.Last.InFlight, worker.Last.Completed, Math.Round(worker.JobsPerMinute, 2), worker.Last.At);
}

public sealed record GalleryTenant(string TenantId, IReadOnlyList<GalleryImage> Images);

public sealed record GalleryImage(string JobId, string Prompt, ulong Seed, string Url);
