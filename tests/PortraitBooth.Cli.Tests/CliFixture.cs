using PortraitBooth.ModelBuilder;
using PortraitBooth.Testing;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace PortraitBooth.Cli.Tests;

/// <summary>
/// A models folder with the default tiny pack and the converted face models (linked from the run's one
/// conversion), photos, and a scratch folder, shared by a test class.
/// </summary>
public sealed class CliFixture : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("portraitbooth-cli-");
    private readonly ConvertedFaceModels _faceModels;

    public CliFixture(ConvertedFaceModels faceModels)
    {
        _faceModels = faceModels;
        Models = Path.Combine(_root.FullName, "models");
        TinyPack = Path.Combine(Models, "tiny");
        PackGenerator.Create(PackKind.Tiny, float16: false, TinyPack, ModelLocations.DefaultSeed);
        FacelessPhoto = Path.Combine(_root.FullName, "faceless.png");
        using var photo = new Image<Rgb24>(80, 100);
        photo.ProcessPixelRows(rows =>
        {
            for (var y = 0; y < rows.Height; y++)
            {
                var row = rows.GetRowSpan(y);
                for (var x = 0; x < row.Length; x++) row[x] = new Rgb24((byte)(3 * x), (byte)(2 * y), 90);
            }
        });
        photo.SaveAsPng(FacelessPhoto);
    }

    public string Models { get; }
    public string TinyPack { get; }
    /// <summary>A smooth colour field: no face in it.</summary>
    public string FacelessPhoto { get; }

    /// <summary>A real photo of one person (from ../shared; skips or fails like every shared-data test).</summary>
    public string FacePhoto => SharedData.Require("data", "identities", "george_clooney", "1.jpg");

    /// <summary>Links models/face to the run's converted face models (converting them on first use).</summary>
    public void UseFaceModels()
    {
        var link = Path.Combine(Models, "face");
        if (!Directory.Exists(link)) Directory.CreateSymbolicLink(link, _faceModels.Directory);
    }

    /// <summary>The converted face models, for tests that run a command's code in-process.</summary>
    public string FaceModels => _faceModels.Directory;

    public string NewPath(string name) => Path.Combine(_root.FullName, $"{Guid.NewGuid():N}-{name}");

    public CliResult Run(params string[] args) => CliRunner.Run(Models, args);

    public void Dispose() => _root.Delete(recursive: true);
}
