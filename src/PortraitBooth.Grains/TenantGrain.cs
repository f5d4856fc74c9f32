using Microsoft.Extensions.Logging;
using PortraitBooth.Abstractions;
using PortraitBooth.Abstractions.Telemetry;

namespace PortraitBooth.Grains;

/// <summary>
/// A tenant: keys stored as salted hashes, quotas, suspension, identities, and admission. The request rate is charged
/// at the key check (<see cref="CheckKey"/>, before a body is read); admission refuses only for the daily image quota
/// (or a suspended or unknown tenant); past the in-flight cap a job is queued (FIFO, in state) and
/// dispatched (by its job grain, which retries until the broker confirms) when a running job of this tenant ends.
/// A job moved into a slot must reach its grain even when that call fails (its state store briefly unreachable):
/// the tenant retries with back-off, and a new activation asks every in-flight job again (idempotent: a job that is
/// already sent, running or finished ignores it), so no slot holds a job that was never sent.
/// </summary>
public sealed class TenantGrain(
    [PersistentState("tenant", GrainStorage.Name)] IPersistentState<TenantState> state,
    ILogger<TenantGrain> logger,
    TimeProvider time) : Grain, ITenantGrain
{
    public const int MaxJobsListed = 1000;

    private readonly RequestRateWindow _writes = new(), _reads = new();
    private readonly HashSet<string> _undispatched = [];
    private IGrainTimer? _dispatchRetry;
    private readonly RetryBackoff _dispatchBackoff = new();
    private TenantState S => state.State;
    private string TenantId => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (!S.Exists) return Task.CompletedTask;
        ReportJobs();
        // An earlier activation may have stored a slot for a job whose dispatch never got through.
        if (S.InFlight.Count > 0)
        {
            _undispatched.UnionWith(S.InFlight);
            ScheduleDispatchRetry(TimeSpan.Zero);
        }
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        PlatformMetrics.TenantDeactivated(TenantId);
        return Task.CompletedTask;
    }

    public async Task<IssuedKey> Create(string name, TenantQuotas quotas)
    {
        if (S.Exists) throw new InvalidOperationException($"tenant '{TenantId}' already exists");
        S.Exists = true;
        S.Name = name;
        S.Quotas = quotas;
        S.CreatedAt = time.GetUtcNow();
        var key = AddKey("default");
        await state.WriteOrDeactivate(this);
        return key;
    }

    public Task<TenantInfo?> Describe()
    {
        if (!S.Exists) return Task.FromResult<TenantInfo?>(null);
        RollUsageDay(time.GetUtcNow());
        var keys = S.Keys.Select(k => new ApiKeyInfo(k.KeyId, k.Label, k.CreatedAt, k.Revoked)).ToList();
        var usage = new TenantUsage(S.InFlight.Count, S.Queue.Count, S.ImagesToday, S.Identities.Count);
        return Task.FromResult<TenantInfo?>(new TenantInfo(TenantId, S.Name, S.Suspended, S.SuspendedReason, S.Quotas, keys, usage, S.CreatedAt));
    }

    public async Task<IssuedKey> CreateKey(string label)
    {
        RequireExists();
        var key = AddKey(label);
        await state.WriteOrDeactivate(this);
        return key;
    }

    public async Task<bool> RevokeKey(string keyId)
    {
        var key = S.Keys.Find(k => k.KeyId == keyId);
        if (key is null) return false;
        if (key.Revoked) return true;
        key.Revoked = true;
        await state.WriteOrDeactivate(this);
        return true;
    }

    public Task<KeyCheck> CheckKey(string keyId, string secret, RequestKind kind)
    {
        var key = S.Exists ? S.Keys.Find(k => k.KeyId == keyId) : null;
        // A wrong secret reads as Unknown, so a caller cannot tell a revoked key id from a guessed one.
        if (key is null || !ApiKeyHash.Matches(key.Salt, key.Hash, secret)) return Task.FromResult(new KeyCheck(KeyStatus.Unknown));
        if (key.Revoked) return Task.FromResult(new KeyCheck(KeyStatus.Revoked));
        if (S.Suspended) return Task.FromResult(new KeyCheck(KeyStatus.Suspended, S.SuspendedReason));
        // Charged after the key is known good: a stranger's guesses cannot spend a tenant's budget.
        var (window, budget, what) = kind == RequestKind.Write
            ? (_writes, S.Quotas.RequestsPerMinute, "write requests")
            : (_reads, S.Quotas.RequestsPerMinute * TenantQuotas.ReadBudgetMultiple, "read requests");
        if (window.TryTake(time.GetUtcNow(), budget) is { } wait)
            return Task.FromResult(new KeyCheck(KeyStatus.RateLimited, $"more than {budget} {what} per minute", wait));
        return Task.FromResult(new KeyCheck(KeyStatus.Valid));
    }

    public async Task SetQuotas(TenantQuotas quotas)
    {
        RequireExists();
        S.Quotas = quotas;
        var started = StartQueuedJobs();
        await state.WriteOrDeactivate(this);
        ReportJobs();
        await Dispatch(started);
    }

    public async Task Suspend(string reason)
    {
        RequireExists();
        S.Suspended = true;
        S.SuspendedReason = reason;
        await state.WriteOrDeactivate(this);
    }

    public async Task Resume()
    {
        RequireExists();
        S.Suspended = false;
        S.SuspendedReason = null;
        await state.WriteOrDeactivate(this);
    }

    public async Task<Admission> Admit(string jobId, int images)
    {
        if (!S.Exists) return new Admission(AdmissionDecision.Refused, Reason: $"tenant '{TenantId}' does not exist");
        if (S.Suspended) return new Admission(AdmissionDecision.Refused, Reason: $"tenant is suspended: {S.SuspendedReason}");
        // A repeated admission of the same job (a retried submit) neither charges again nor takes a second slot.
        if (S.InFlight.Contains(jobId)) return new Admission(AdmissionDecision.Dispatch);
        if (S.Queue.Contains(jobId)) return new Admission(AdmissionDecision.Queued);

        var now = time.GetUtcNow();
        RollUsageDay(now);
        if (S.ImagesToday + images > S.Quotas.ImagesPerDay)
        {
            var midnight = new DateTimeOffset(S.UsageDay.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            return new Admission(AdmissionDecision.Refused, midnight - now,
                $"daily image quota reached ({S.ImagesToday} of {S.Quotas.ImagesPerDay} used, {images} asked)");
        }

        await SealFullJobPage();
        S.ImagesToday += images;
        S.RecentJobs.Insert(0, jobId);
        AdmissionDecision decision;
        if (S.InFlight.Count < S.Quotas.MaxJobsInFlight && S.Queue.Count == 0)
        {
            S.InFlight.Add(jobId);
            decision = AdmissionDecision.Dispatch;
        }
        else
        {
            S.Queue.Add(jobId);
            decision = AdmissionDecision.Queued;
        }
        await state.WriteOrDeactivate(this);
        ReportJobs();
        return new Admission(decision);
    }

    public async Task JobEnded(string jobId)
    {
        var changed = S.InFlight.Remove(jobId) | S.Queue.Remove(jobId);
        if (!changed) return;
        var started = StartQueuedJobs();
        await state.WriteOrDeactivate(this);
        ReportJobs();
        await Dispatch(started);
    }

    public async Task<bool> AddIdentity(string identityId)
    {
        RequireExists();
        if (S.Identities.Contains(identityId)) return true;
        if (S.Identities.Count >= S.Quotas.MaxIdentities) return false;
        S.Identities.Add(identityId);
        await state.WriteOrDeactivate(this);
        return true;
    }

    public async Task RemoveIdentity(string identityId)
    {
        if (S.Identities.Remove(identityId)) await state.WriteOrDeactivate(this);
    }

    public Task<IReadOnlyList<string>> Identities() => Task.FromResult<IReadOnlyList<string>>(S.Identities.Order(StringComparer.Ordinal).ToList());

    public async Task<IReadOnlyList<string>> Jobs()
    {
        var pages = RecentJobPages.Listed(S.SealedJobPages).Select(page => JobPage(page).Ids());
        var older = await Task.WhenAll(pages);
        return S.RecentJobs.Concat(older.SelectMany(ids => ids)).Take(MaxJobsListed).ToList();
    }

    /// <summary>
    /// Moves a full head of recent job ids into its page before the next id is added. Called before the admission
    /// changes anything else: when the tenant's own write then fails, the reloaded state seals the same page again.
    /// </summary>
    private async Task SealFullJobPage()
    {
        if (S.RecentJobs.Count < RecentJobPages.PageSize) return;
        await JobPage(S.SealedJobPages).Store(S.RecentJobs.ToList());
        S.SealedJobPages++;
        S.RecentJobs.Clear();
    }

    private ITenantJobPageGrain JobPage(long page) => GrainFactory.GetGrain<ITenantJobPageGrain>(RecentJobPages.Key(TenantId, page));

    private IssuedKey AddKey(string label)
    {
        var (keyId, secret, salt) = (ApiKeyFormat.NewKeyId(), ApiKeyFormat.NewSecret(), ApiKeyHash.NewSalt());
        S.Keys.Add(new StoredApiKey
        {
            KeyId = keyId, Label = label, CreatedAt = time.GetUtcNow(), Salt = salt, Hash = ApiKeyHash.Compute(salt, secret),
        });
        return new IssuedKey(keyId, ApiKeyFormat.Format(TenantId, keyId, secret));
    }

    /// <summary>Queue depth and slots in use, for the metrics (called after every stored change of either).</summary>
    private void ReportJobs() => PlatformMetrics.TenantJobsNow(TenantId, S.Queue.Count, S.InFlight.Count);

    /// <summary>Moves queued jobs into free slots (in state); the caller writes state, then dispatches them.</summary>
    private List<string> StartQueuedJobs()
    {
        var started = new List<string>();
        while (S.InFlight.Count < S.Quotas.MaxJobsInFlight && S.Queue.Count > 0)
        {
            var next = S.Queue[0];
            S.Queue.RemoveAt(0);
            S.InFlight.Add(next);
            started.Add(next);
        }
        return started;
    }

    /// <summary>Tells each job its slot is free; a failed call leaves it for the retry timer, not the caller.</summary>
    private async Task Dispatch(IEnumerable<string> jobIds)
    {
        var failed = false;
        foreach (var jobId in jobIds.ToList())
        {
            logger.LogInformation("Tenant {Tenant}: dispatching queued job {Job}", TenantId, jobId);
            try
            {
                await GrainFactory.GetGrain<IGenerationJobGrain>(jobId).Dispatch();
                _undispatched.Remove(jobId);
            }
            catch (Exception e)
            {
                _undispatched.Add(jobId);
                failed = true;
                logger.LogWarning("Tenant {Tenant}: dispatching job {Job} failed ({Error}); retrying in {Delay}", TenantId, jobId, e.Message, _dispatchBackoff.Delay);
            }
        }
        if (_undispatched.Count == 0) _dispatchBackoff.Succeeded();
        else if (failed || _dispatchRetry is null) ScheduleDispatchRetry(_dispatchBackoff.Failed());
    }

    private void ScheduleDispatchRetry(TimeSpan delay)
    {
        _dispatchRetry?.Dispose();
        _dispatchRetry = this.RegisterGrainTimer(RetryDispatch, new GrainTimerCreationOptions(delay, Timeout.InfiniteTimeSpan) { KeepAlive = true });
    }

    private Task RetryDispatch(CancellationToken cancellationToken)
    {
        _dispatchRetry?.Dispose();
        _dispatchRetry = null;
        // Only jobs still holding a slot: one that ended meanwhile has left InFlight.
        _undispatched.IntersectWith(S.InFlight);
        return Dispatch(_undispatched);
    }

    private void RollUsageDay(DateTimeOffset now)
    {
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        if (S.UsageDay == today) return;
        S.UsageDay = today;
        S.ImagesToday = 0;
    }

    private void RequireExists()
    {
        if (!S.Exists) throw new InvalidOperationException($"tenant '{TenantId}' does not exist");
    }
}
