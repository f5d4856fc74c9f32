using System.CommandLine;
using System.Diagnostics;
using PortraitBooth.Inference.Packs;
using PortraitBooth.ModelBuilder;

namespace PortraitBooth.Cli.Platform;

/// <summary>
/// <c>portraitbooth bench platform</c>: jobs through the real path (HTTP API → job grain → RabbitMQ → worker → Redis)
/// of an api silo and a gpu silo run as processes, on the micro pack at its smallest size and one step, so the
/// platform's own cost shows, by role.
/// </summary>
public static class PlatformBenchCommand
{
    public const string RedisVariable = "PORTRAITBOOTH_TEST_REDIS", RabbitMqVariable = "PORTRAITBOOTH_TEST_RABBITMQ";

    public static Command Create()
    {
        var redis = new Option<string?>("--redis") { Description = $"StackExchange.Redis address, e.g. 127.0.0.1:6379 (default: ${RedisVariable})." };
        var rabbitMq = new Option<string?>("--rabbitmq") { Description = $"Broker URI, e.g. amqp://guest:guest@127.0.0.1:5672/ (default: ${RabbitMqVariable})." };
        var jobs = new Option<int>("--jobs") { Description = "Jobs measured.", DefaultValueFactory = _ => 2000 };
        var concurrency = new Option<int>("--concurrency") { Description = "Jobs in flight: clients that each submit a job and follow it to its end.", DefaultValueFactory = _ => 8 };
        var capacity = new Option<int?>("--capacity") { Description = "Jobs the gpu role runs at once, its prefetch (default: the concurrency)." };
        var warmup = new Option<int>("--warmup") { Description = "Jobs run first and not measured (connections, grain activations, the tenant's history); 0 = none.", DefaultValueFactory = _ => 1000 };
        var settle = new Option<int>("--settle") { Description = "Most jobs run after the warm-up, in batches of 500, until the JIT has settled (at most 20 methods compiled in a batch); 0 = off.", DefaultValueFactory = _ => 20_000 };
        var brokerPidOption = new Option<int?>("--broker-pid") { Description = "The RabbitMQ node's process id, for its CPU per job (default: the test services' node, when $PORTRAITBOOTH_TEST_RABBITMQ_HOME is set)." };
        var command = new Command("platform", "Jobs/s and added latency of the platform itself (API, grain, broker, worker, Redis), with a pack whose graphs cost almost nothing.")
        {
            redis, rabbitMq, jobs, concurrency, capacity, warmup, settle, brokerPidOption,
        };
        command.SetAction((parse, cancellationToken) => CliErrors.Guard(async () =>
        {
            var redisAddress = Address(parse.GetValue(redis), "--redis", RedisVariable);
            var rabbitAddress = Address(parse.GetValue(rabbitMq), "--rabbitmq", RabbitMqVariable);
            var (jobCount, inFlight, warmupCount) = (parse.GetValue(jobs), parse.GetValue(concurrency), parse.GetValue(warmup));
            var gpuCapacity = parse.GetValue(capacity) ?? inFlight;
            if (jobCount < 1) throw new UsageException("--jobs must be at least 1");
            if (inFlight < 1) throw new UsageException("--concurrency must be at least 1");
            if (gpuCapacity < 1) throw new UsageException("--capacity must be at least 1");
            if (warmupCount < 0) throw new UsageException("--warmup must not be negative");
            var settleLimit = parse.GetValue(settle);
            if (settleLimit < 0) throw new UsageException("--settle must not be negative");

            var brokerPid = parse.GetValue(brokerPidOption) ?? BrokerPidFromTestServices();

            var packDirectory = ModelLocations.EnsurePack(PackKind.Micro);
            var size = ModelPack.ReadManifest(packDirectory).Size.Min;
            await using var cluster = await BenchCluster.Start(redisAddress, rabbitAddress, packDirectory, gpuCapacity, brokerPid, cancellationToken);
            using var client = cluster.Client(await cluster.CreateTenant());
            var load = new JobLoad(client, new { prompt = "a portrait photo of a man", steps = 1, width = size, height = size, seed = 1 });
            var warmedUp = await WarmUp(load, warmupCount, settleLimit, inFlight, () => CostMeter.JitCompiledMethods(cluster.Api, cluster.Gpu), cancellationToken);

            var before = await cluster.ReadCosts();
            var clock = Stopwatch.StartNew();
            var traces = await load.Run(jobCount, inFlight, cancellationToken);
            var wall = clock.Elapsed;
            var after = await cluster.ReadCosts();
            Console.WriteLine($"bench platform: {jobCount} jobs (after {warmedUp} warm-up), concurrency {inFlight}, gpu capacity {gpuCapacity}, " +
                $"pack 'micro' {size}x{size}, 1 step; api silo, gpu silo and load generator as processes, {Environment.ProcessorCount} cores");
            Console.WriteLine($"methods JIT-compiled while measuring (all three processes): {after.JitCompiledMethods - before.JitCompiledMethods:F0}");
            PlatformReport.Write(traces, wall);
            var succeeded = traces.Where(t => t.Succeeded).ToList();
            if (succeeded.Count > 0)
            {
                var added = succeeded.Select(PlatformReport.Added).ToList();
                Console.WriteLine($"{succeeded.Count / wall.TotalSeconds:F1} jobs/s; added latency p50 {PlatformReport.Percentile(added, 0.5):F3} ms, " +
                    $"p99 {PlatformReport.Percentile(added, 0.99):F3} ms (targets: >= 500 jobs/s, p50 <= 5 ms)");
            }
            PlatformReport.WriteCosts(before, after, jobCount);
            if (succeeded.Count == traces.Count) return 0;
            foreach (var trace in traces.Where(t => !t.Succeeded).Take(3)) Console.Error.WriteLine(trace.Error);
            Console.Error.WriteLine($"error: {traces.Count - succeeded.Count} of {traces.Count} jobs did not succeed");
            return CliErrors.Failure;
        }));
        return command;
    }

    private const int SettleBatch = 500, SettledMethods = 20;

    /// <summary>
    /// <paramref name="jobs"/> jobs, then batches (at most <paramref name="settleLimit"/> jobs) until the JIT has
    /// settled in every process: tiered compilation keeps recompiling hot methods for tens of seconds, and a measurement
    /// taken meanwhile charges that JIT to every job (a silo that has run for minutes no longer pays it). Returns the
    /// jobs run.
    /// </summary>
    private static async Task<int> WarmUp(JobLoad load, int jobs, int settleLimit, int inFlight, Func<Task<double>> compiledMethods,
        CancellationToken cancellationToken)
    {
        if (jobs > 0) await load.Run(jobs, inFlight, cancellationToken);
        var run = jobs;
        while (run - jobs + SettleBatch <= settleLimit)
        {
            var before = await compiledMethods();
            await load.Run(SettleBatch, inFlight, cancellationToken);
            run += SettleBatch;
            if (await compiledMethods() - before <= SettledMethods) break;
        }
        return run;
    }

    /// <summary>The test services' RabbitMQ node (scripts/lib/services.sh writes its pid file), when they run.</summary>
    private static int? BrokerPidFromTestServices()
    {
        var home = Environment.GetEnvironmentVariable("PORTRAITBOOTH_TEST_RABBITMQ_HOME");
        if (home is not { Length: > 0 }) return null;
        var pidFile = Path.Combine(home, "rabbit.pid");
        return File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile).Trim(), out var pid) ? pid : null;
    }

    private static string Address(string? given, string option, string variable) =>
        given is { Length: > 0 } ? given
        : Environment.GetEnvironmentVariable(variable) is { Length: > 0 } fromEnvironment ? fromEnvironment
        : throw new UsageException($"{option} is required (or set {variable}; scripts/lib/services.sh starts Redis and RabbitMQ and sets both)");
}
