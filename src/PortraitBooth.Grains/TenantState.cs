using PortraitBooth.Abstractions;

namespace PortraitBooth.Grains;

[GenerateSerializer, Alias("pb.StoredApiKey")]
public sealed class StoredApiKey
{
    [Id(0)] public string KeyId { get; set; } = "";
    [Id(1)] public string Label { get; set; } = "";
    [Id(2)] public DateTimeOffset CreatedAt { get; set; }
    [Id(3)] public bool Revoked { get; set; }
    [Id(4)] public byte[] Salt { get; set; } = [];
    [Id(5)] public byte[] Hash { get; set; } = [];
}

[GenerateSerializer, Alias("pb.TenantState")]
public sealed class TenantState
{
    [Id(0)] public bool Exists { get; set; }
    [Id(1)] public string Name { get; set; } = "";
    [Id(2)] public DateTimeOffset CreatedAt { get; set; }
    [Id(3)] public TenantQuotas Quotas { get; set; } = new();
    [Id(4)] public bool Suspended { get; set; }
    [Id(5)] public string? SuspendedReason { get; set; }
    [Id(6)] public List<StoredApiKey> Keys { get; set; } = [];
    [Id(7)] public HashSet<string> InFlight { get; set; } = [];
    /// <summary>Admitted jobs waiting for an in-flight slot, oldest first.</summary>
    [Id(8)] public List<string> Queue { get; set; } = [];
    [Id(9)] public DateOnly UsageDay { get; set; }
    [Id(10)] public int ImagesToday { get; set; }
    [Id(11)] public HashSet<string> Identities { get; set; } = [];
    /// <summary>The newest job ids, newest first, at most <see cref="RecentJobPages.PageSize"/> (older ones are in pages).</summary>
    [Id(12)] public List<string> RecentJobs { get; set; } = [];
    /// <summary>How many full pages of job ids have moved to <see cref="ITenantJobPageGrain"/>s.</summary>
    [Id(13)] public long SealedJobPages { get; set; }
}
