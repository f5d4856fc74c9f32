using System.Diagnostics;
using PortraitBooth.Testing;

namespace PortraitBooth.Distributed.Tests;

/// <summary>
/// docker-compose.yml validates with a compose tool (Debian's <c>docker-compose</c>, which the test command installs;
/// no engine needed; skipped where there is none), and refuses to start without the operator's secrets.
/// </summary>
public sealed class ComposeFileTests
{
    private const string AdminKey = "PORTRAITBOOTH_ADMIN_KEY", RabbitMqPassword = "PORTRAITBOOTH_RABBITMQ_PASSWORD";

    [Fact]
    public async Task The_compose_file_is_valid_and_has_redis_rabbitmq_an_api_and_a_gpu_silo()
    {
        var (exitCode, output, error) = await Config(new() { [AdminKey] = "0123abcd", [RabbitMqPassword] = "4567ef" });

        Assert.True(exitCode == 0, $"docker-compose config exited with {exitCode}:\n{output}\n{error}");
        Assert.Equal(["api", "gpu", "rabbitmq", "redis"], output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order());
    }

    [Theory]
    [InlineData(AdminKey)]
    [InlineData(RabbitMqPassword)]
    public async Task Compose_refuses_to_start_without_each_secret_and_names_it(string missing)
    {
        var secrets = new Dictionary<string, string?> { [AdminKey] = "0123abcd", [RabbitMqPassword] = "4567ef", [missing] = null };

        var (exitCode, _, error) = await Config(secrets);

        Assert.NotEqual(0, exitCode);
        Assert.Contains($"set {missing}", error);
    }

    private static async Task<(int ExitCode, string Output, string Error)> Config(Dictionary<string, string?> environment)
    {
        var tool = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, "docker-compose")).FirstOrDefault(File.Exists);
        if (tool is null) Assert.Skip("no docker-compose on PATH (apt-get install docker-compose)");

        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "-f", Path.Combine(SharedData.RepoRoot, "docker-compose.yml"), "config", "--services" }) start.ArgumentList.Add(arg);
        foreach (var (name, value) in environment)
            if (value is null) start.Environment.Remove(name); else start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(1));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }
}
