namespace PortraitBooth.Abstractions;

/// <summary>A tenant's limits. Jobs over <see cref="MaxJobsInFlight"/> wait in the tenant's queue (still accepted).</summary>
[GenerateSerializer, Immutable, Alias("pb.TenantQuotas")]
public sealed record TenantQuotas(
    [property: Id(0)] int MaxJobsInFlight = 2,
    [property: Id(1)] int ImagesPerDay = 1000,
    [property: Id(2)] int MaxIdentities = 100,
    [property: Id(3)] int RequestsPerMinute = 600)
{
    /// <summary>Reads (GETs: polling a job, listing, fetching images) may come this many times as often as writes.</summary>
    public const int ReadBudgetMultiple = 10;
}

[GenerateSerializer, Immutable, Alias("pb.ApiKeyInfo")]
public sealed record ApiKeyInfo(
    [property: Id(0)] string KeyId,
    [property: Id(1)] string Label,
    [property: Id(2)] DateTimeOffset CreatedAt,
    [property: Id(3)] bool Revoked);

/// <summary>A new key; <see cref="Key"/> is the full secret, shown once and stored only as a salted hash.</summary>
[GenerateSerializer, Immutable, Alias("pb.IssuedKey")]
public sealed record IssuedKey([property: Id(0)] string KeyId, [property: Id(1)] string Key);

[GenerateSerializer, Immutable, Alias("pb.TenantUsage")]
public sealed record TenantUsage(
    [property: Id(0)] int JobsInFlight,
    [property: Id(1)] int JobsQueued,
    [property: Id(2)] int ImagesToday,
    [property: Id(3)] int Identities);

[GenerateSerializer, Immutable, Alias("pb.TenantInfo")]
public sealed record TenantInfo(
    [property: Id(0)] string TenantId,
    [property: Id(1)] string Name,
    [property: Id(2)] bool Suspended,
    [property: Id(3)] string? SuspendedReason,
    [property: Id(4)] TenantQuotas Quotas,
    [property: Id(5)] IReadOnlyList<ApiKeyInfo> Keys,
    [property: Id(6)] TenantUsage Usage,
    [property: Id(7)] DateTimeOffset CreatedAt);

public enum KeyStatus { Valid, Unknown, Revoked, Suspended, RateLimited }

/// <summary>What a request does, for the tenant's rate limit: writes (uploads, submissions, deletes) spend
/// <c>requests_per_minute</c>, reads a budget <see cref="TenantQuotas.ReadBudgetMultiple"/> times as large.</summary>
public enum RequestKind { Read, Write }

/// <summary>A key's check; <see cref="RetryAfter"/> is set when <see cref="KeyStatus.RateLimited"/>.</summary>
[GenerateSerializer, Immutable, Alias("pb.KeyCheck")]
public sealed record KeyCheck([property: Id(0)] KeyStatus Status, [property: Id(1)] string? Reason = null,
    [property: Id(2)] TimeSpan? RetryAfter = null);

public enum AdmissionDecision { Dispatch, Queued, Refused }

/// <summary>Refused only for the daily image quota (the request rate is charged when the key is checked); <see cref="RetryAfter"/> says when to retry.</summary>
[GenerateSerializer, Immutable, Alias("pb.Admission")]
public sealed record Admission(
    [property: Id(0)] AdmissionDecision Decision,
    [property: Id(1)] TimeSpan? RetryAfter = null,
    [property: Id(2)] string? Reason = null);

/// <summary>
/// A tenant (key: tenant id): API keys (salted hashes), quotas, suspension, and admission of jobs. Jobs beyond the
/// in-flight cap wait in the tenant's queue and are dispatched, through <see cref="IJobDispatcher"/>, as others finish.
/// </summary>
public interface ITenantGrain : IGrainWithStringKey
{
    Task<IssuedKey> Create(string name, TenantQuotas quotas);
    Task<TenantInfo?> Describe();
    Task<IssuedKey> CreateKey(string label);
    Task<bool> RevokeKey(string keyId);
    /// <summary>
    /// Runs between the turns of the tenant's writes: every API request checks its key, and would otherwise queue
    /// behind each admission's state write. It only reads, in one synchronous step.
    /// </summary>
    [Orleans.Concurrency.AlwaysInterleave]
    /// <summary>Checks the key and charges the request to the tenant's rate limit for <paramref name="kind"/>.</summary>
    Task<KeyCheck> CheckKey(string keyId, string secret, RequestKind kind);
    Task SetQuotas(TenantQuotas quotas);
    Task Suspend(string reason);
    Task Resume();
    Task<Admission> Admit(string jobId, int images);
    /// <summary>A job of this tenant ended (any way); frees its slot and dispatches queued jobs.</summary>
    Task JobEnded(string jobId);
    Task<bool> AddIdentity(string identityId);
    Task RemoveIdentity(string identityId);
    Task<IReadOnlyList<string>> Identities();
    /// <summary>The tenant's most recent job ids, newest first (at most 1,000).</summary>
    Task<IReadOnlyList<string>> Jobs();
}

/// <summary>One page of a tenant's recent job ids (key: tenant id / slot); only the tenant grain writes it.</summary>
public interface ITenantJobPageGrain : IGrainWithStringKey
{
    /// <summary>Replaces the page's ids (newest first).</summary>
    Task Store(IReadOnlyList<string> ids);
    Task<IReadOnlyList<string>> Ids();
}
