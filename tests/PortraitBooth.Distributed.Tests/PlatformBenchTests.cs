using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace PortraitBooth.Distributed.Tests;

/// <summary>
/// <c>portraitbooth bench platform</c> as a user runs it (its own process, starting an api and a gpu silo as processes) against the test
/// Redis and RabbitMQ: what it prints must be consistent. Its speed is the command's output, never asserted.
/// </summary>
public sealed partial class PlatformBenchTests
{
    [GeneratedRegex(@"^\W*(?<jobs>\d+)\W+(?<succeeded>\d+)\W+(?<failed>\d+)\W+(?<other>\d+)\W+\d+\.\d\d\W+\d+\.\d\W*$", RegexOptions.Multiline)]
    private static partial Regex CountsRow();

    /// <summary>A breakdown row with its numbers (a wrapped name's second line has none).</summary>
    [GeneratedRegex(@"^[│|] (?<name>[^│|]*?)\s*[│|]\s*(?<p50>[\d.]+)\s*[│|]\s*(?<p99>[\d.]+)\s*[│|]\s*(?<mean>[\d.]+)\s*[│|]\s*[\d.]+ %\s*[│|]$", RegexOptions.Multiline)]
    private static partial Regex BreakdownRow();

    [Fact]
    public void Every_job_succeeds_and_the_segments_add_up_to_the_total()
    {
        var (redis, rabbit) = TestServices.Require();
        var run = Run(["--redis", redis, "--rabbitmq", rabbit, "--jobs", "40", "--warmup", "5", "--settle", "0", "--concurrency", "4"]);
        Assert.True(run.ExitCode == 0, run.ToString());
        TestContext.Current.SendDiagnosticMessage(run.Stdout);

        var counts = CountsRow().Match(run.Stdout);
        Assert.True(counts.Success, run.Stdout);
        int Count(string name) => int.Parse(counts.Groups[name].Value, CultureInfo.InvariantCulture);
        Assert.Equal(40, Count("jobs"));
        Assert.Equal(40, Count("succeeded"));
        Assert.Equal(Count("jobs"), Count("succeeded") + Count("failed") + Count("other"));

        // Six consecutive segments, then total, ONNX and added latency: the segments' means sum to the total's
        // (each is printed to 0.001 ms), and added latency is total minus ONNX.
        var rows = BreakdownRow().Matches(run.Stdout).Select(m => (Name: m.Groups["name"].Value,
            Mean: double.Parse(m.Groups["mean"].Value, CultureInfo.InvariantCulture),
            P50: double.Parse(m.Groups["p50"].Value, CultureInfo.InvariantCulture))).ToList();
        Assert.True(rows.Count == 9, run.Stdout);
        var (segments, total, onnx, added) = (rows[..6], rows[6], rows[7], rows[8]);
        Assert.StartsWith("total", total.Name);
        Assert.InRange(segments.Sum(s => s.Mean), total.Mean - 0.004, total.Mean + 0.004);
        Assert.InRange(added.Mean, total.Mean - onnx.Mean - 0.002, total.Mean - onnx.Mean + 0.002);
        Assert.True(onnx.Mean > 0, "the worker reports the time inside ONNX Run");
        Assert.Contains($"added latency p50 {added.P50:F3} ms", run.Stdout);

        // The costs by role, read from the silos' own processes and scrape endpoints, Redis and the broker.
        double Cost(string row)
        {
            var match = Regex.Match(run.Stdout, $@"^[│|] {Regex.Escape(row)}[^│|]*[│|]\s*(?<value>[\d.]+)\s*[│|]$", RegexOptions.Multiline);
            Assert.True(match.Success, $"no '{row}' row:\n{run.Stdout}");
            return double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture);
        }
        Assert.True(Cost("CPU ms, api silo") > 0 && Cost("CPU ms, gpu silo") > 0, run.Stdout);
        Assert.True(Cost("CPU ms, RabbitMQ") >= 0, run.Stdout); // read from the test services' node (its pid file)
        Assert.InRange(Cost("messages sent to RabbitMQ"), 1.0, 2.0); // one GeneratePortrait per job, no retries here
        Assert.True(Cost("Redis commands") >= 1, run.Stdout);
    }

    [Fact]
    public void Without_redis_it_says_how_to_give_it()
    {
        var run = Run([]);
        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("error: --redis is required (or set PORTRAITBOOTH_TEST_REDIS", run.Stderr);
    }

    private sealed record CliRun(int ExitCode, string Stdout, string Stderr)
    {
        public override string ToString() => $"exit {ExitCode}\nstdout: {Stdout}\nstderr: {Stderr}";
    }

    /// <summary>The built CLI with a models folder of its own (the micro pack is made on first use) and no service variables.</summary>
    private static CliRun Run(string[] options)
    {
        var models = Directory.CreateTempSubdirectory("portraitbooth-bench-models-");
        try
        {
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = models.FullName };
            foreach (var arg in (string[])[TestServices.CliDll(), "bench", "platform", .. options]) start.ArgumentList.Add(arg);
            start.Environment["PORTRAITBOOTH_MODELS"] = models.FullName;
            start.Environment.Remove("PORTRAITBOOTH_TEST_REDIS");
            start.Environment.Remove("PORTRAITBOOTH_TEST_RABBITMQ");
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"bench platform did not finish in 3 minutes:\n{stdout.Result}\n{stderr.Result}");
            }
            return new CliRun(process.ExitCode, stdout.Result, stderr.Result);
        }
        finally
        {
            models.Delete(recursive: true);
        }
    }
}
