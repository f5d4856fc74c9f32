using System.Globalization;
using System.Text.RegularExpressions;
using PortraitBooth.Testing;

namespace PortraitBooth.Cli.Tests;

public sealed class BenchCommandTests : IClassFixture<CliFixture>
{
    private readonly CliFixture fixture;

    public BenchCommandTests(CliFixture fixture)
    {
        this.fixture = fixture;
        fixture.UseFaceModels();
    }

    [Fact]
    public void Bench_faces_compares_ours_with_face_api_on_the_demo_photos()
    {
        _ = FaceApiReference.SamplePhoto(1);               // skips (or fails in CI) without the demo photos
        _ = FaceApiReference.InstalledScriptDirectory;     // ... or without face-api's JS reference
        var result = fixture.Run("bench", "faces");
        Assert.True(result.ExitCode == 0, result.ToString());
        TestContext.Current.TestOutputHelper?.WriteLine(result.Stdout);

        // The one data row: photos, ours ms, face-api ms, ratio, faces ours, faces face-api (whatever the borders).
        var row = Regex.Match(result.Stdout, @"^\W*6\W+(?<ours>\d+\.\d)\W+(?<theirs>\d+\.\d)\W+(?<ratio>\d+\.\d{3})\W+(?<ourFaces>\d+)\W+(?<theirFaces>\d+)\W*$",
            RegexOptions.Multiline);
        Assert.True(row.Success, result.Stdout);
        var ratio = double.Parse(row.Groups["ratio"].Value, CultureInfo.InvariantCulture);
        Assert.True(ratio > 0, result.Stdout);
        Assert.True(int.Parse(row.Groups["ourFaces"].Value, CultureInfo.InvariantCulture) >= 6, "a face per demo photo at least");
        Assert.Contains("ratio", result.Stdout);
    }

    [Fact]
    public void Bench_multi_prints_rows_per_image_and_the_ratios()
    {
        var result = fixture.Run("bench", "multi", "--pack", fixture.TinyPack, "--size", "128", "--steps", "5");
        Assert.True(result.ExitCode == 0, result.ToString());
        TestContext.Current.TestOutputHelper?.WriteLine(result.Stdout);

        // round(0.4 · 5) = 2 bootstrapping steps. Single: 2 rows a step. k subjects, batched: a canvas call
        // [u, c_background] and a window call (bootstrapping: [u_i, c_i] per subject, then [c_i]), so 2(k + 1) rows
        // while bootstrapping, then k + 2; one call per region has the same rows, in k + 1 calls while bootstrapping,
        // then k + 2. At 128² (16×16 latent) two subjects' windows are 12×16, three subjects' 8×16.
        var rows = Regex.Matches(result.Stdout,
                @"^\W*(?<subjects>\d)\W+[a-z2 -]+?\W+\d+\.\d\d\W+\d+\.\d\d\W+(?<calls>\d+)\W+(?<rows>\d+)\W+(?<canvas>\d+\.\d)\W+\d+\.\d\d\W*$",
                RegexOptions.Multiline)
            .Select(m => (int.Parse(m.Groups["subjects"].Value), int.Parse(m.Groups["calls"].Value), int.Parse(m.Groups["rows"].Value),
                double.Parse(m.Groups["canvas"].Value, CultureInfo.InvariantCulture)))
            .ToList();
        Assert.Equal([
            (1, 5, 10, 10.0),
            (2, 10, 2 * 6 + 3 * 4, 2 * (2 + 4 * 0.75) + 3 * (2 + 2 * 0.75)),
            (2, 2 * 3 + 3 * 4, 2 * 6 + 3 * 4, 2 * (2 + 4 * 0.75) + 3 * (2 + 2 * 0.75)),
            (3, 10, 2 * 8 + 3 * 5, 2 * (2 + 6 * 0.5) + 3 * (2 + 3 * 0.5)),
            (3, 2 * 4 + 3 * 5, 2 * 8 + 3 * 5, 2 * (2 + 6 * 0.5) + 3 * (2 + 3 * 0.5)),
        ], rows);
        Assert.Matches(@"2 subjects: batched / single \d+\.\d\d \(rows 2\.40, canvas rows 2\.05\), batched / one call per region \d+\.\d\d \(rows 1\.00\)", result.Stdout);
    }
}
