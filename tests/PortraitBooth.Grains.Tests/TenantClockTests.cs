using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using PortraitBooth.Abstractions;

namespace PortraitBooth.Grains.Tests;

/// <summary>A one-silo cluster whose grains read a clock the test moves (its own: other tests keep real time).</summary>
public sealed class ManualClockCluster : IAsyncLifetime
{
    public static ManualClock Clock { get; } = new();

    public TestCluster Cluster { get; } = new TestClusterBuilder(1).AddSiloBuilderConfigurator<Configurator>().Build();

    public ValueTask InitializeAsync() => new(Cluster.DeployAsync());

    public ValueTask DisposeAsync() => Cluster.DisposeAsync();

    public sealed class ManualClock : TimeProvider
    {
        private long _ticks = new DateTimeOffset(2026, 12, 4, 12, 0, 0, TimeSpan.Zero).UtcTicks;
        public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);
        public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
    }

    private sealed class Configurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo)
        {
            silo.AddMemoryGrainStorage(GrainStorage.Name);
            silo.Services.AddSingleton<TimeProvider>(Clock);
            silo.Services.AddSingleton<IJobDispatcher>(RecordingDispatcher.Instance);
            silo.Services.AddSingleton<Abstractions.Events.IJobEvents>(ClusterFixture.Events);
        }
    }
}

/// <summary>The classes that move <see cref="ManualClockCluster.Clock"/> run one after another on one cluster.</summary>
[CollectionDefinition(Name)]
public sealed class ManualClockCollection : ICollectionFixture<ManualClockCluster>
{
    public const string Name = "manual clock";
}

/// <summary>The tenant's rate window and usage day follow the grain's clock: driven here without sleeping.</summary>
[Collection(ManualClockCollection.Name)]
public sealed class TenantClockTests(ManualClockCluster cluster)
{
    [Fact]
    public async Task The_write_budget_refills_a_minute_after_each_request_and_the_image_quota_at_midnight()
    {
        var tenant = cluster.Cluster.Client.GetGrain<ITenantGrain>($"c{Guid.NewGuid():N}"[..13]);
        var key = await tenant.Create("clocked", new TenantQuotas(ImagesPerDay: 2, RequestsPerMinute: 2));
        Assert.True(ApiKeyFormat.TryParse(key.Key, out var parts));
        async Task<KeyCheck> Write() => await tenant.CheckKey(parts.KeyId, parts.Secret, RequestKind.Write);
        var clock = ManualClockCluster.Clock;

        Assert.Equal(KeyStatus.Valid, (await Write()).Status);
        clock.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal(KeyStatus.Valid, (await Write()).Status);
        var refused = await Write();
        Assert.Equal(KeyStatus.RateLimited, refused.Status);
        Assert.Equal(TimeSpan.FromSeconds(40), refused.RetryAfter);        // when the first request leaves the window
        clock.Advance(TimeSpan.FromSeconds(40));
        Assert.Equal(KeyStatus.Valid, (await Write()).Status);             // the first one has left
        Assert.Equal(KeyStatus.RateLimited, (await Write()).Status);       // the second is still in it

        Assert.Equal(AdmissionDecision.Dispatch, (await tenant.Admit("j1", 2)).Decision);
        var overQuota = await tenant.Admit("j2", 1);
        Assert.Equal(AdmissionDecision.Refused, overQuota.Decision);
        var midnight = clock.GetUtcNow().Date.AddDays(1);
        Assert.Equal(midnight - clock.GetUtcNow(), overQuota.RetryAfter);
        clock.Advance(overQuota.RetryAfter!.Value);
        Assert.Equal(AdmissionDecision.Dispatch, (await tenant.Admit("j2", 1)).Decision);
    }
}

/// <summary>The job grain's timestamps and the operations view's worker silence follow the grains' clock.</summary>
[Collection(ManualClockCollection.Name)]
public sealed class JobClockTests(ManualClockCluster cluster)
{
    [Fact]
    public async Task A_jobs_created_dispatched_started_and_finished_times_are_the_clocks()
    {
        var clock = ManualClockCluster.Clock;
        var tenantId = $"c{Guid.NewGuid():N}"[..13];
        await cluster.Cluster.Client.GetGrain<ITenantGrain>(tenantId).Create("clocked", new TenantQuotas());
        var job = cluster.Cluster.Client.GetGrain<IGenerationJobGrain>(Specs.NewJobId());

        var submittedAt = clock.GetUtcNow();
        var (submitted, _) = await job.Submit(Specs.Of(tenantId));
        Assert.Equal(submittedAt, submitted.Timings.CreatedAt);
        Assert.Equal(submittedAt, submitted.Timings.DispatchedAt);

        clock.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(1, await job.Start(1));
        clock.Advance(TimeSpan.FromSeconds(7));
        Assert.True(await job.Complete(1, Specs.Result("a")));

        var timings = (await job.Get())!.Timings;
        Assert.Equal(submittedAt + TimeSpan.FromSeconds(3), timings.StartedAt);
        Assert.Equal(submittedAt + TimeSpan.FromSeconds(10), timings.FinishedAt);
    }

    [Fact]
    public async Task A_worker_leaves_the_operations_view_after_its_silence_on_the_clock()
    {
        var clock = ManualClockCluster.Clock;
        var operations = cluster.Cluster.Client.GetGrain<IOperationsGrain>(IOperationsGrain.Key);
        var worker = $"w-{Guid.NewGuid():N}";
        await operations.Heartbeat(new WorkerHeartbeat(worker, 1, 0, 0, clock.GetUtcNow()));

        clock.Advance(OperationsGrain.WorkerSilence - TimeSpan.FromSeconds(1));
        Assert.Contains((await operations.Read()).Workers, w => w.Last.WorkerId == worker);
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.DoesNotContain((await operations.Read()).Workers, w => w.Last.WorkerId == worker);
    }
}
