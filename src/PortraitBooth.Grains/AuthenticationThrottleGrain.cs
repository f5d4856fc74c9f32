using PortraitBooth.Abstractions;

namespace PortraitBooth.Grains;

/// <summary>
/// Failures of one subject within the policy's window; <see cref="ThrottlePolicy.MaxFailures"/> of them lock it for
/// <see cref="ThrottlePolicy.Lockout"/>, doubling at each repeat up to <see cref="ThrottlePolicy.MaxLockout"/>. Memory
/// only: a lost activation forgets a lockout, which costs an attacker's next ten guesses, not a state write per failure.
/// Kept active past the longest lockout so that idle collection does not end one early.
/// </summary>
[CollectionAgeLimit(Minutes = 30)]
public sealed class AuthenticationThrottleGrain : Grain, IAuthenticationThrottleGrain
{
    private readonly Queue<DateTimeOffset> _failures = new();
    private DateTimeOffset _lockedUntil, _lastFailure;
    private int _lockouts;

    public Task<ThrottleState> State() => Task.FromResult(new ThrottleState(_lockedUntil, _lastFailure));

    public Task<TimeSpan?> Failed(DateTimeOffset now, ThrottlePolicy policy)
    {
        // A quiet spell after the last lockout ended forgives the earlier ones.
        if (now - (_lockedUntil > _lastFailure ? _lockedUntil : _lastFailure) > policy.MaxLockout) _lockouts = 0;
        _lastFailure = now;
        if (_lockedUntil > now) return Task.FromResult<TimeSpan?>(null); // a key's failures from clean addresses while it is locked
        while (_failures.Count > 0 && now - _failures.Peek() >= policy.Window) _failures.Dequeue();
        _failures.Enqueue(now);
        if (_failures.Count < policy.MaxFailures) return Task.FromResult<TimeSpan?>(null);
        _failures.Clear();
        var lockout = policy.Lockout * Math.Pow(2, Math.Min(_lockouts, 20));
        if (lockout > policy.MaxLockout) lockout = policy.MaxLockout;
        _lockouts++;
        _lockedUntil = now + lockout;
        return Task.FromResult<TimeSpan?>(lockout);
    }
}
