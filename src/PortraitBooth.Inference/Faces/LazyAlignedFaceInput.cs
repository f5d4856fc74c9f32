using PortraitBooth.Inference.Packs;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace PortraitBooth.Inference.Faces;

/// <summary>Aligned face input that opens the face networks only when a photo actually needs aligning (a cached φ never does).</summary>
public sealed class LazyAlignedFaceInput(Lazy<FaceModels> models) : IFaceInput
{
    private readonly Lazy<AlignedFaceInput> _input = new(() => new AlignedFaceInput(new FaceAnalyzer(models.Value)));

    public PreparedFace Prepare(Image<Rgb24> photo, string photoName, FacePreprocessing preprocessing) =>
        _input.Value.Prepare(photo, photoName, preprocessing);
}
