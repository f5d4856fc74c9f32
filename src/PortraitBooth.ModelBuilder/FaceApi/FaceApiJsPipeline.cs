using System.Diagnostics;
using System.Text.Json;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace PortraitBooth.ModelBuilder.FaceApi;

/// <summary>What face-api's own pipeline made of one photo: its time, the faces found and the largest face's descriptor.</summary>
public sealed record FaceApiJsResult(double Ms, int Faces, float[]? Descriptor);

/// <summary>
/// face-api's own detect → 68 landmarks → descriptor pipeline (TF.js on the wasm backend, via
/// tests/reference/face-api/pipeline.js) on exactly the pixels we analyse: every photo goes over as raw HWC uint8,
/// so no difference in JPEG decoding can enter a comparison. One Node process for all photos.
/// </summary>
public static class FaceApiJsPipeline
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);

    /// <summary>Why the reference cannot run here (no node, no npm install, no weights), or null when it can.</summary>
    public static string? MissingPiece(string referenceDirectory, string faceApiModelDirectory)
    {
        if (!OnPath("node")) return "node is not installed (Debian: apt-get install nodejs npm)";
        if (!Directory.Exists(Path.Combine(referenceDirectory, "node_modules", "@vladmandic", "face-api")))
            return $"face-api's JS reference is not installed: run npm ci in {referenceDirectory}";
        if (!Directory.Exists(faceApiModelDirectory))
            return $"face-api's weights are not at {faceApiModelDirectory}: run scripts/fetch-face-api.sh";
        return null;
    }

    public static IReadOnlyList<FaceApiJsResult> Run(string referenceDirectory, string faceApiModelDirectory, IReadOnlyList<Image<Rgb24>> photos)
    {
        var scratch = Directory.CreateTempSubdirectory("portraitbooth-faceapi-js-");
        try
        {
            var output = Path.Combine(scratch.FullName, "results.json");
            RunNode(referenceDirectory, faceApiModelDirectory, ["pipeline.js", output, .. WriteRawPhotos(scratch.FullName, photos)]);
            using var json = JsonDocument.Parse(File.ReadAllText(output));
            return [.. json.RootElement.EnumerateArray().Select(r => new FaceApiJsResult(
                r.GetProperty("ms").GetDouble(),
                r.GetProperty("faces").GetInt32(),
                r.GetProperty("descriptor") is { ValueKind: JsonValueKind.Array } d ? [.. d.EnumerateArray().Select(v => v.GetSingle())] : null))];
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }

    /// <summary>
    /// Writes each photo as raw HWC RGB bytes into <paramref name="folder"/>, so the JS side decodes nothing and both
    /// sides see identical pixels; returns the <c>FILE:WIDTH:HEIGHT</c> arguments the reference scripts take.
    /// </summary>
    public static IReadOnlyList<string> WriteRawPhotos(string folder, IReadOnlyList<Image<Rgb24>> photos)
    {
        var specs = new List<string>();
        foreach (var (photo, index) in photos.Select((p, i) => (p, i)))
        {
            var raw = Path.Combine(folder, $"{index}.rgb");
            var bytes = new byte[photo.Width * photo.Height * 3];
            photo.CopyPixelDataTo(bytes);
            File.WriteAllBytes(raw, bytes);
            specs.Add($"{raw}:{photo.Width}:{photo.Height}");
        }
        return specs;
    }

    private static void RunNode(string referenceDirectory, string faceApiModelDirectory, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo("node") { WorkingDirectory = referenceDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["FACE_API_MODEL_DIR"] = faceApiModelDirectory;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"face-api's pipeline.js did not finish in {Timeout.TotalMinutes} minutes");
        }
        _ = stdout.Result;
        if (process.ExitCode != 0) throw new InvalidOperationException($"face-api's pipeline.js failed ({process.ExitCode}): {stderr.Result}");
    }

    private static bool OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(dir => File.Exists(Path.Combine(dir, program)) || File.Exists(Path.Combine(dir, program + ".exe")));
}
