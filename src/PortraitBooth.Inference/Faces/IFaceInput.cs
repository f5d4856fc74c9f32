using PortraitBooth.Inference.Packs;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace PortraitBooth.Inference.Faces;

/// <summary>The face encoder's input for one photo, the photo region it came from, and how many faces the photo held (the largest is used).</summary>
public sealed record PreparedFace(float[] Tensor, int FacesFound, RectangleF FaceBox);

/// <summary>
/// Turns a photo into the face encoder's input (a planar [3,H,W] tensor) as the pack's preprocessing says.
/// Callers never crop faces themselves.
/// </summary>
public interface IFaceInput
{
    PreparedFace Prepare(Image<Rgb24> photo, string photoName, FacePreprocessing preprocessing);
}

/// <summary>
/// The real face input: detect faces, take the largest, find its 68 landmarks and warp it upright onto the
/// alignment template the pack names, at the encoder's input size.
/// </summary>
public sealed class AlignedFaceInput(FaceAnalyzer analyzer) : IFaceInput
{
    public PreparedFace Prepare(Image<Rgb24> photo, string photoName, FacePreprocessing preprocessing)
    {
        if (preprocessing.Alignment == CenterCropFaceInput.AlignmentName)
            return new CenterCropFaceInput().Prepare(photo, photoName, preprocessing);
        var template = AlignmentTemplate.Named(preprocessing.Alignment);
        using var search = analyzer.Find(photo);
        var faces = search.Detections;
        if (faces.Count == 0) throw new NoFaceException($"no face found in '{photoName}'");
        var largest = faces.MaxBy(f => f.Box.Width * f.Box.Height)!;
        var landmarks = analyzer.Landmarks(search.Image, largest.Box);
        if (preprocessing.Width != preprocessing.Height)
            throw new PackException($"pack.json: face input {preprocessing.Width}x{preprocessing.Height} must be square for template alignment");
        using var aligned = FaceAnalyzer.Align(search.Image, landmarks, template, preprocessing.Width);
        return new PreparedFace(FaceTensor.FromCrop(aligned, preprocessing), faces.Count, search.ToPhoto(largest.Box));
    }
}

/// <summary>For packs whose preprocessing asks for no alignment: the largest centred square, resized.</summary>
public sealed class CenterCropFaceInput : IFaceInput
{
    public const string AlignmentName = "center_crop";

    public PreparedFace Prepare(Image<Rgb24> photo, string photoName, FacePreprocessing preprocessing)
    {
        var side = Math.Min(photo.Width, photo.Height);
        var square = new Rectangle((photo.Width - side) / 2, (photo.Height - side) / 2, side, side);
        using var crop = photo.Clone(c => c.Crop(square).Resize(preprocessing.Width, preprocessing.Height));
        return new PreparedFace(FaceTensor.FromCrop(crop, preprocessing), 1, square);
    }
}
