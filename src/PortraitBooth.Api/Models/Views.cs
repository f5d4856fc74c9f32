using PortraitBooth.Abstractions;

namespace PortraitBooth.Api.Models;

// What the API answers, in snake_case JSON. Grain DTOs never leave the process as they are.

/// <param name="DefaultWidth">The width of a request that names none (as in <paramref name="Defaults"/>); likewise the height.</param>
/// <param name="Defaults">Steps, guidance and size of a request that names none.</param>
/// <param name="PixelRange">[lo, hi] of the pack's VAE images.</param>
/// <param name="Card">The model card; null when pack.json has none.</param>
public sealed record PackView(string Name, string Version, bool IsDefault, int DefaultWidth, int DefaultHeight, int SizeMultiple,
    int MinSize, int MaxSize, IReadOnlyList<string> IdentityWords, IReadOnlyList<string> ExpressionWords, string FaceEncoder,
    PackDefaults Defaults, float[] PixelRange, ModelCard? Card)
{
    public static PackView From(InstalledPack pack, bool isDefault)
    {
        var m = pack.Manifest;
        var defaults = m.SamplingDefaults;
        return new PackView(pack.Name, m.Version, isDefault, defaults.Width, defaults.Height, m.Size.Multiple,
            m.Size.Min, m.Size.Max, m.IdentityWords, m.ExpressionWords, pack.FaceEncoderId,
            defaults, [m.PixelRange.Low, m.PixelRange.High], m.Card);
    }
}

public sealed record IdentityView(string Id, string? Name, float[] FaceBox, int FacesFound, DateTimeOffset CreatedAt, IReadOnlyList<string> FaceEncoders)
{
    public static IdentityView From(IdentityInfo info) =>
        new(info.Record.IdentityId, info.Record.Name, info.Record.FaceBox, info.Record.FacesFound, info.Record.CreatedAt, info.FaceEncoders);
}

public sealed record ProgressView(int Step, int TotalSteps, double Fraction);

public sealed record TimingsView(DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, double? SamplingSeconds,
    DateTimeOffset? DispatchedAt, double? OnnxSeconds, double? StoreSeconds)
{
    public static TimingsView From(JobTimings t) =>
        new(t.CreatedAt, t.StartedAt, t.FinishedAt, t.SamplingSeconds, t.DispatchedAt, t.OnnxSeconds, t.StoreSeconds);
}

public sealed record GenerationView(
    string Id,
    string Status,
    string Pack,
    string Prompt,
    string NegativePrompt,
    IReadOnlyList<string> Identities,
    IReadOnlyList<SubjectRegion>? Boxes,
    IReadOnlyList<string?>? Expressions,
    int Steps,
    float Guidance,
    int Width,
    int Height,
    int Count,
    IReadOnlyList<ulong> Seeds,
    ProgressView Progress,
    int Attempts,
    TimingsView Timings,
    IReadOnlyList<string> Images,
    DateTimeOffset? ExpiresAt,
    string? Error)
{
    public static string StatusName(JobStatus status) => status.ToString().ToLowerInvariant();

    public static GenerationView From(JobSnapshot job)
    {
        var spec = job.Spec;
        var seeds = job.Seeds.Count > 0 ? job.Seeds : JobSpecs.Seeds(spec);
        var total = job.TotalSteps > 0 ? job.TotalSteps : spec.Steps;
        var images = job.Status == JobStatus.Succeeded
            ? Enumerable.Range(0, job.ResultKeys.Count).Select(n => $"/v1/generations/{job.JobId}/images/{n}").ToList()
            : [];
        return new GenerationView(job.JobId, StatusName(job.Status), spec.Pack, spec.Prompt, spec.NegativePrompt, spec.IdentityIds,
            spec.Boxes, spec.Expressions, spec.Steps, spec.Guidance, spec.Width, spec.Height, spec.Count, seeds,
            new ProgressView(job.Step, total, total > 0 ? Math.Round((double)job.Step / total, 4) : 0),
            job.Attempts, TimingsView.From(job.Timings),
            images, job.ExpiresAt, job.Error);
    }
}

public sealed record GenerationBody(
    string? Pack,
    string? Prompt,
    string? NegativePrompt,
    IReadOnlyList<string>? Identities,
    IReadOnlyList<SubjectRegion>? Boxes,
    IReadOnlyList<string?>? Expressions,
    ulong? Seed,
    int? Steps,
    float? Guidance,
    int? Width,
    int? Height,
    int? Count);

public sealed record TenantCreateBody(string? Id, string? Name, TenantQuotas? Quotas);

public sealed record TenantCreated(string TenantId, string Name, string KeyId, string Key);

/// <summary>A PUT of a tenant's quotas: each quota it names is set, each it leaves out keeps its current value.</summary>
public sealed record TenantQuotasUpdate(int? MaxJobsInFlight, int? ImagesPerDay, int? MaxIdentities, int? RequestsPerMinute)
{
    public TenantQuotas AppliedTo(TenantQuotas current) => new(
        MaxJobsInFlight ?? current.MaxJobsInFlight, ImagesPerDay ?? current.ImagesPerDay,
        MaxIdentities ?? current.MaxIdentities, RequestsPerMinute ?? current.RequestsPerMinute);
}

public sealed record KeyCreateBody(string? Label);

public sealed record KeyCreated(string KeyId, string Key);

public sealed record SuspendBody(string? Reason);

public sealed record PackList(IReadOnlyList<PackView> Items, string DefaultPack);
