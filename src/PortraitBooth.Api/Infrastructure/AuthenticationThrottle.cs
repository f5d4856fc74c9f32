using System.Collections.Concurrent;
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
/// address that has not failed, is never locked out by someone else's guesses. Kept in each api process's memory:
/// a limit per process is still a limit, and it costs no grain call on the hot path.
/// </summary>
public sealed class AuthenticationThrottle(IOptions<AuthenticationThrottleOptions> options, TimeProvider time, ILogger<AuthenticationThrottle> logger)
{
    /// <summary>Bounds the memory a flood of addresses or made-up keys can take.</summary>
    private const int MaxSubjects = 100_000;

    private readonly ConcurrentDictionary<string, Subject> _subjects = new(StringComparer.Ordinal);

    /// <summary>Throws 429 when the request's address, or its key for an address that failed recently, is locked out.</summary>
    public void Check(HttpContext http, string? key)
    {
        var now = time.GetUtcNow();
        var address = _subjects.GetValueOrDefault(AddressOf(http));
        if (address?.LockedFor(now) is { } wait) throw TooMany("from this address", wait);
        if (key is not null && _subjects.GetValueOrDefault(KeySubject(key))?.LockedFor(now) is { } keyWait
            && address?.FailedSince(now - options.Value.MaxLockout) == true)
            throw TooMany("for this key", keyWait);
    }

    /// <summary>Counts a wrong credential against the request's address and, when one was named, its key.</summary>
    public void Failed(HttpContext http, string? key)
    {
        var now = time.GetUtcNow();
        Record(AddressOf(http), now);
        if (key is not null) Record(KeySubject(key), now);
    }

    private void Record(string subject, DateTimeOffset now)
    {
        if (_subjects.Count >= MaxSubjects && !_subjects.ContainsKey(subject)) Prune(now);
        var o = options.Value;
        if (_subjects.GetOrAdd(subject, _ => new Subject()).Fail(now, o) is { } lockout)
            logger.LogWarning("authentication locked out for {Subject} for {Lockout} after {Failures} failures", subject, lockout, o.MaxFailures);
    }

    /// <summary>Forgets subjects quiet for the longest lockout; when that is not enough, the longest quiet half.</summary>
    private void Prune(DateTimeOffset now)
    {
        var quiet = now - options.Value.MaxLockout;
        foreach (var (name, subject) in _subjects)
            if (!subject.FailedSince(quiet) && subject.LockedFor(now) is null) _subjects.TryRemove(name, out _);
        if (_subjects.Count < MaxSubjects) return;
        foreach (var (name, _) in _subjects.OrderBy(s => s.Value.LastFailure).Take(_subjects.Count / 2).ToList())
            _subjects.TryRemove(name, out _);
    }

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

    private sealed class Subject
    {
        private readonly Lock _gate = new();
        private readonly Queue<DateTimeOffset> _failures = new();
        private DateTimeOffset _lockedUntil, _lastFailure;
        private int _lockouts;

        public DateTimeOffset LastFailure { get { lock (_gate) return _lastFailure; } }

        public TimeSpan? LockedFor(DateTimeOffset now) { lock (_gate) return _lockedUntil > now ? _lockedUntil - now : null; }

        public bool FailedSince(DateTimeOffset since) { lock (_gate) return _lastFailure > since; }

        /// <summary>Records a failure; returns the lockout it starts, if it starts one.</summary>
        public TimeSpan? Fail(DateTimeOffset now, AuthenticationThrottleOptions o)
        {
            lock (_gate)
            {
                // A quiet spell after the last lockout ended forgives the earlier ones.
                if (now - (_lockedUntil > _lastFailure ? _lockedUntil : _lastFailure) > o.MaxLockout) _lockouts = 0;
                _lastFailure = now;
                if (_lockedUntil > now) return null; // a key's failures from clean addresses while it is locked
                while (_failures.Count > 0 && now - _failures.Peek() >= o.Window) _failures.Dequeue();
                _failures.Enqueue(now);
                if (_failures.Count < o.MaxFailures) return null;
                _failures.Clear();
                var lockout = o.Lockout * Math.Pow(2, Math.Min(_lockouts, 20));
                if (lockout > o.MaxLockout) lockout = o.MaxLockout;
                _lockouts++;
                _lockedUntil = now + lockout;
                return lockout;
            }
        }
    }
}
