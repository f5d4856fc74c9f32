using System.Diagnostics;
using PortraitBooth.Testing;

namespace PortraitBooth.Distributed.Tests;

/// <summary>docker-compose.yml validates with a compose tool (Debian's <c>docker-compose</c>; no engine needed), skipped without one.</summary>
public sealed class ComposeFileTests
{
    [Fact]
    public async Task The_compose_file_is_valid_and_has_redis_rabbitmq_an_api_and_a_gpu_silo()
    {
        var tool = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, "docker-compose")).FirstOrDefault(File.Exists);
        if (tool is null) Assert.Skip("no docker-compose on PATH (apt-get install docker-compose)");

        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "-f", Path.Combine(SharedData.RepoRoot, "docker-compose.yml"), "config", "--services" }) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(1));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"docker-compose config exited with {process.ExitCode}:\n{await output}\n{await error}");
        Assert.Equal(["api", "gpu", "rabbitmq", "redis"], (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries).Order());
    }
}
