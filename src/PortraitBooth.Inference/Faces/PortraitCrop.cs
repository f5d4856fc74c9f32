using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace PortraitBooth.Inference.Faces;

/// <summary>
/// A face warped onto a template (<see cref="AlignmentTemplate.Portrait128"/> for training crops): the crop, the 68
/// landmarks in crop pixels, the share of the crop whose source lay outside the photo (filled by edge replication),
/// and the photo → crop transform that made it.
/// </summary>
public sealed record PortraitCrop(Image<Rgb24> Image, PointF[] Landmarks, float OutsideFraction, SimilarityTransform PhotoToCrop) : IDisposable
{
    /// <summary>
    /// Warps <paramref name="photo"/> by the <see cref="FaceAligner"/> similarity transform of the face's eye and
    /// mouth centres onto <paramref name="template"/> at <paramref name="size"/>².
    /// </summary>
    public static PortraitCrop Create(Image<Rgb24> photo, IReadOnlyList<PointF> landmarks68, AlignmentTemplate template, int size)
    {
        var photoToCrop = FaceAligner.TransformFor(landmarks68, template, size);
        var cropToPhoto = photoToCrop.Inverse();
        var image = FaceAligner.Warp(photo, cropToPhoto, size, replicateEdges: true);
        return new PortraitCrop(image, [.. landmarks68.Select(photoToCrop.Apply)], ShareOutside(cropToPhoto, size, photo.Width, photo.Height), photoToCrop);
    }

    /// <summary>The face mask of the crop: <see cref="FaceMask"/>'s hull of the mapped landmarks, 0/1 per pixel, row-major.</summary>
    public float[] Mask() => FaceMask.Rasterise(FaceMask.Hull(Landmarks), Image.Width, Image.Height);

    /// <summary>The share of output pixel centres that map to a point outside the photo's [0,W]×[0,H].</summary>
    public static float ShareOutside(SimilarityTransform cropToPhoto, int size, int width, int height)
    {
        var outside = 0;
        for (var y = 0; y < size; y++)
            for (var x = 0; x < size; x++)
            {
                var p = cropToPhoto.Apply(new PointF(x + 0.5f, y + 0.5f));
                if (p.X < 0 || p.Y < 0 || p.X > width || p.Y > height) outside++;
            }
        return (float)outside / (size * size);
    }

    public void Dispose() => Image.Dispose();
}
