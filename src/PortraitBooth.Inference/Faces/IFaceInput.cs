using PortraitBooth.Inference.Packs;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace PortraitBooth.Inference.Faces;

/// <summary>
/// Turns a photo into the face encoder's input (a planar [3,H,W] tensor) as the pack's preprocessing says.
/// The seam where detection and alignment plug in; callers never crop faces themselves.
/// </summary>
public interface IFaceInput
{
    float[] Prepare(Image<Rgb24> photo, FacePreprocessing preprocessing);
}

/// <summary>
/// Stand-in until real face detection lands: the largest centred square, resized to the encoder's input size.
/// </summary>
public sealed class CenterCropFaceInput : IFaceInput
{
    public float[] Prepare(Image<Rgb24> photo, FacePreprocessing preprocessing)
    {
        var side = Math.Min(photo.Width, photo.Height);
        var square = new Rectangle((photo.Width - side) / 2, (photo.Height - side) / 2, side, side);
        using var crop = photo.Clone(c => c.Crop(square).Resize(preprocessing.Width, preprocessing.Height));
        return FaceTensor.FromCrop(crop, preprocessing);
    }
}
