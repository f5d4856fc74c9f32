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
}
