using PortraitBooth.Abstractions;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace PortraitBooth.Api.Infrastructure;

/// <summary>Settings of <see cref="AuthenticationThrottle"/>, section <c>PortraitBooth:AuthenticationThrottle</c>.</summary>
public sealed class AuthenticationThrottleOptions
{
    public const string Section = "PortraitBooth:AuthenticationThrottle";

    /// <summary>Failures within <see cref="Window"/> that start a lockout.</summary>
    public int MaxFailures { get; set; } = 10;

    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The first lockout; each further one doubles it, up to <see cref="MaxLockout"/>.</summary>
    public TimeSpan Lockout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest lockout, and the quiet spell (no failure) after which the doubling starts over.</summary>
    public TimeSpan MaxLockout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>What is wrong with these settings, or null.</summary>
    public string? Problem() =>
        MaxFailures < 1 ? $"{Section}:MaxFailures must be at least 1 (is {MaxFailures})"
        : Window <= TimeSpan.Zero ? $"{Section}:Window must be positive (is {Window})"
        : Lockout <= TimeSpan.Zero ? $"{Section}:Lockout must be positive (is {Lockout})"
        : MaxLockout < Lockout ? $"{Section}:MaxLockout ({MaxLockout}) must be at least Lockout ({Lockout})"
        : null;

    /// <summary>Refuses to start the host with settings that would not throttle (or never end a lockout).</summary>
    public sealed class Validator : IValidateOptions<AuthenticationThrottleOptions>
    {
        public ValidateOptionsResult Validate(string? name, AuthenticationThrottleOptions options) =>
            options.Problem() is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
    }
}

/// <summary>
/// Failed authentications (tenant key, admin key, dashboard sign-in) counted per client address and per key. After
/// <see cref="AuthenticationThrottleOptions.MaxFailures"/> within the window the subject is locked out (429 with
/// <c>Retry-After</c>), for longer at each repeat. A locked address is refused outright. A locked key is refused only
/// to addresses that failed recently, so guessing one key from many addresses is slowed while its owner, from an
/// address that has not failed, is never locked out by someone else's guesses. The counts live in one
/// <see cref="IAuthenticationThrottleGrain"/> per subject, so every api silo of a cluster refuses the same guesser:
/// a check costs one grain call (two from an address that failed recently), a failure one per subject.
/// </summary>
public sealed class AuthenticationThrottle(IGrainFactory grains, IOptions<AuthenticationThrottleOptions> options, TimeProvider time,
    ILogger<AuthenticationThrottle> logger)
{
    /// <summary>Throws 429 when the request's address, or its key for an address that failed recently, is locked out.</summary>
    public async ValueTask Check(HttpContext http, string? key)
    {
        var now = time.GetUtcNow();
        var address = await Subject(AddressOf(http)).State();
        if (address.LockedUntil > now) throw TooMany("from this address", address.LockedUntil - now);
        // A key's lockout binds only addresses that failed recently: a clean one (all normal traffic) needs no second call.
        if (key is null || address.LastFailure <= now - options.Value.MaxLockout) return;
        var locked = await Subject(KeySubject(key)).State();
        if (locked.LockedUntil > now) throw TooMany("for this key", locked.LockedUntil - now);
    }

    /// <summary>Counts a wrong credential against the request's address and, when one was named, its key.</summary>
    public async ValueTask Failed(HttpContext http, string? key)
    {
        var now = time.GetUtcNow();
        var o = options.Value;
        var policy = new ThrottlePolicy(o.MaxFailures, o.Window, o.Lockout, o.MaxLockout);
        foreach (var subject in key is null ? [AddressOf(http)] : new[] { AddressOf(http), KeySubject(key) })
            if (await Subject(subject).Failed(now, policy) is { } lockout)
                logger.LogWarning("authentication locked out for {Subject} for {Lockout} after {Failures} failures", subject, lockout, o.MaxFailures);
    }

    private IAuthenticationThrottleGrain Subject(string name) => grains.GetGrain<IAuthenticationThrottleGrain>(name);

    private static string KeySubject(string key) => "key " + key;

    /// <summary>The client's address; an IPv6 one by its /64, which one site holds as a whole.</summary>
    private static string AddressOf(HttpContext http)
    {
        var ip = http.Connection.RemoteIpAddress;
        if (ip is null) return "address unknown";
        if (ip.IsIPv4MappedToIPv6) ip = ip.MapToIPv4();
        if (ip.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var bytes = ip.GetAddressBytes();
            Array.Clear(bytes, 8, 8);
            ip = new IPAddress(bytes);
        }
        return "address " + ip;
    }

    private static ApiException TooMany(string what, TimeSpan wait) =>
        ApiException.TooManyRequests($"too many failed authentications {what}; retry after {Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds))} s", wait);
}
