using PortraitBooth.ModelBuilder;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace PortraitBooth.Cli.Tests;

/// <summary>A models folder with the default tiny pack, a face photo and a scratch folder, shared by a test class.</summary>
public sealed class CliFixture : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("portraitbooth-cli-");

    public CliFixture()
    {
        Models = Path.Combine(_root.FullName, "models");
        TinyPack = Path.Combine(Models, "tiny");
        PackGenerator.Create(PackKind.Tiny, float16: false, TinyPack, DefaultPacks.Seed);
        FacePhoto = Path.Combine(_root.FullName, "face.png");
        using var photo = new Image<Rgb24>(80, 100);
        photo.ProcessPixelRows(rows =>
        {
            for (var y = 0; y < rows.Height; y++)
            {
                var row = rows.GetRowSpan(y);
                for (var x = 0; x < row.Length; x++) row[x] = new Rgb24((byte)(3 * x), (byte)(2 * y), 90);
            }
        });
        photo.SaveAsPng(FacePhoto);
    }

    public string Models { get; }
    public string TinyPack { get; }
    public string FacePhoto { get; }

    public string NewPath(string name) => Path.Combine(_root.FullName, $"{Guid.NewGuid():N}-{name}");

    public CliResult Run(params string[] args) => CliRunner.Run(Models, args);

    public void Dispose() => _root.Delete(recursive: true);
}
