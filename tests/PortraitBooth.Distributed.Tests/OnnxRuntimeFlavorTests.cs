using System.Diagnostics;
using System.Text.Json;
using PortraitBooth.Testing;

namespace PortraitBooth.Distributed.Tests;

/// <summary>
/// The GPU image's build property: <c>-p:OnnxRuntimeFlavor=Gpu</c> makes the inference project (which the host and
/// the worker use) reference Microsoft.ML.OnnxRuntime.Gpu instead of the CPU package, never both. Checked by
/// evaluating the project (<c>dotnet msbuild -getItem</c>, no restore), so the GPU package need not be downloaded.
/// </summary>
public sealed class OnnxRuntimeFlavorTests
{
    private const string Cpu = "Microsoft.ML.OnnxRuntime";
    private const string Gpu = "Microsoft.ML.OnnxRuntime.Gpu";

    [Theory]
    [InlineData(null, Cpu, Gpu)]
    [InlineData("Cpu", Cpu, Gpu)]
    [InlineData("Gpu", Gpu, Cpu)]
    public async Task The_flavor_property_references_exactly_one_onnx_runtime_package(string? flavor, string referenced, string absent)
    {
        var items = await Evaluate(flavor, "PackageReference", "PackageVersion");
        var references = items.GetProperty("PackageReference").EnumerateArray().Select(i => i.GetProperty("Identity").GetString()).ToList();
        Assert.Contains(referenced, references);
        Assert.DoesNotContain(absent, references);

        // Central versions: both packages pinned in Directory.Packages.props at one release, so the CPU build and
        // the GPU build run the same ONNX Runtime.
        var versions = items.GetProperty("PackageVersion").EnumerateArray()
            .ToDictionary(i => i.GetProperty("Identity").GetString()!, i => i.GetProperty("Version").GetString());
        Assert.Equal("1.32.0", versions[Gpu]);
        Assert.Equal(versions[Gpu], versions[Cpu]);
    }

    private static async Task<JsonElement> Evaluate(string? flavor, params string[] itemTypes)
    {
        var project = Path.Combine(SharedData.RepoRoot, "src", "PortraitBooth.Inference", "PortraitBooth.Inference.csproj");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "msbuild", project, "-nologo", $"-getItem:{string.Join(',', itemTypes)}" }) start.ArgumentList.Add(arg);
        if (flavor is not null) start.ArgumentList.Add($"-p:OnnxRuntimeFlavor={flavor}");
        // The test host's MSBuild variables would point the child at the test's own SDK resolution: start clean.
        foreach (var name in new[] { "MSBuildExtensionsPath", "MSBuildSDKsPath", "MSBUILD_EXE_PATH" }) start.Environment.Remove(name);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"dotnet msbuild exited with {process.ExitCode}:\n{await output}\n{await error}");
        return JsonDocument.Parse(await output).RootElement.GetProperty("Items").Clone();
    }
}
