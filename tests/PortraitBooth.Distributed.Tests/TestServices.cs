using PortraitBooth.Testing;

namespace PortraitBooth.Distributed.Tests;

/// <summary>
/// Redis and RabbitMQ started by scripts/lib/services.sh (PORTRAITBOOTH_TEST_REDIS, PORTRAITBOOTH_TEST_RABBITMQ). In CI
/// (<c>CI=true</c>) missing services fail the test; elsewhere it is skipped with the reason.
/// </summary>
internal static class TestServices
{
    public static (string Redis, string RabbitMq) Require()
    {
        var redis = Environment.GetEnvironmentVariable("PORTRAITBOOTH_TEST_REDIS");
        var rabbit = Environment.GetEnvironmentVariable("PORTRAITBOOTH_TEST_RABBITMQ");
        if (redis is { Length: > 0 } && rabbit is { Length: > 0 }) return (redis, rabbit);
        var message = "PORTRAITBOOTH_TEST_REDIS / PORTRAITBOOTH_TEST_RABBITMQ are not set: run the tests through scripts/test.sh, "
            + "which starts Redis and RabbitMQ (scripts/lib/services.sh)";
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            Assert.Fail(message + "; they are required in CI");
        Assert.Skip(message);
        return default; // unreachable: Skip throws
    }

    public static string HostDll()
    {
        // The test runs from tests/…/bin/<Configuration>/net10.0: use the host's build of the same configuration.
        var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
        var dll = Path.Combine(SharedData.RepoRoot, "src", "PortraitBooth.Host", "bin", configuration, "net10.0", "portraitbooth-host.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException("build src/PortraitBooth.Host first", dll);
    }
}
