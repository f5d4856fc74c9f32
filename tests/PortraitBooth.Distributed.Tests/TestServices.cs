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
        Prerequisites.Missing("PORTRAITBOOTH_TEST_REDIS / PORTRAITBOOTH_TEST_RABBITMQ are not set: run the tests through scripts/test.sh, "
            + "which starts Redis and RabbitMQ (scripts/lib/services.sh)");
        return default; // unreachable: Missing throws
    }

    public static string HostDll() => BuiltDll("PortraitBooth.Host", "portraitbooth-host.dll");

    public static string CliDll() => BuiltDll("PortraitBooth.Cli", "portraitbooth.dll");

    private static string BuiltDll(string project, string assembly)
    {
        // The test runs from tests/…/bin/<Configuration>/net10.0: use the project's build of the same configuration.
        var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
        var dll = Path.Combine(SharedData.RepoRoot, "src", project, "bin", configuration, "net10.0", assembly);
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"build src/{project} first", dll);
    }
}
