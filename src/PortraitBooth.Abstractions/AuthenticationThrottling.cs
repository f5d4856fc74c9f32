using Orleans.Concurrency;

namespace PortraitBooth.Abstractions;

/// <summary>When failed authentications lock a subject out (section <c>PortraitBooth:AuthenticationThrottle</c>).</summary>
[GenerateSerializer, Immutable, Alias("pb.ThrottlePolicy")]
public sealed record ThrottlePolicy(
    [property: Id(0)] int MaxFailures,
    [property: Id(1)] TimeSpan Window,
    [property: Id(2)] TimeSpan Lockout,
    [property: Id(3)] TimeSpan MaxLockout);

/// <summary>A subject's lockout (none when <see cref="LockedUntil"/> has passed) and its latest failure.</summary>
[GenerateSerializer, Immutable, Alias("pb.ThrottleState")]
public sealed record ThrottleState([property: Id(0)] DateTimeOffset LockedUntil, [property: Id(1)] DateTimeOffset LastFailure);

/// <summary>
/// One subject of the authentication throttle (key: "address &lt;ip&gt;" or "key &lt;tenant/key id&gt;"): its recent
/// failures and lockouts, in the grain's memory only. A grain, so every api silo of a cluster counts the same failures.
/// </summary>
public interface IAuthenticationThrottleGrain : IGrainWithStringKey
{
    [ReadOnly]
    Task<ThrottleState> State();

    /// <summary>Records a failure at <paramref name="now"/>; returns the lockout it starts, if it starts one.</summary>
    Task<TimeSpan?> Failed(DateTimeOffset now, ThrottlePolicy policy);
}
