using PortraitBooth.ModelBuilder.FaceApi;

[assembly: AssemblyFixture(typeof(PortraitBooth.Testing.ConvertedFaceModels))]

namespace PortraitBooth.Testing;

/// <summary>face-api's networks converted once per test run (a few seconds) into a temporary folder.</summary>
public sealed class ConvertedFaceModels : IDisposable
{
    private readonly DirectoryInfo _root = System.IO.Directory.CreateTempSubdirectory("portraitbooth-face-");
    private readonly Lazy<string> _directory;

    public ConvertedFaceModels()
    {
        _directory = new(() =>
        {
            var target = Path.Combine(_root.FullName, "face");
            FaceApiConverter.Convert(Path.GetDirectoryName(FaceApiReference.ModelDirectory)!, target);
            return target;
        });
    }

    /// <summary>The converted folder (face-models.json and four ONNX files); skips or fails like FaceApiReference when the weights are missing.</summary>
    public string Directory => _directory.Value;

    public void Dispose() => _root.Delete(recursive: true);
}
