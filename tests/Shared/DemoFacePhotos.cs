using PortraitBooth.Inference.Faces;
using PortraitBooth.Inference.Images;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace PortraitBooth.Testing;

/// <summary>
/// Portraits of one person each, cut from face-api's demo group photos (so tests need nothing from ../shared): a
/// square around a face, three face-widths wide, keeping only cuts in which the detector finds exactly one face.
/// </summary>
internal static class DemoFacePhotos
{
    public static List<Image<Rgb24>> Cut(FaceModels models, int count)
    {
        var portraits = new List<Image<Rgb24>>();
        for (var sample = 1; sample <= 6 && portraits.Count < count; sample++)
        {
            using var photo = ImageDecoding.LoadRgb(FaceApiReference.SamplePhoto(sample));
            foreach (var face in models.Detector.Detect(photo).OrderByDescending(f => f.Box.Width * f.Box.Height))
            {
                var side = (int)(3 * Math.Max(face.Box.Width, face.Box.Height));
                var centre = new Point((int)(face.Box.X + face.Box.Width / 2), (int)(face.Box.Y + face.Box.Height / 2));
                var region = Rectangle.Intersect(new Rectangle(centre.X - side / 2, centre.Y - side / 2, side, side), new Rectangle(0, 0, photo.Width, photo.Height));
                var portrait = photo.Clone(c => c.Crop(region));
                if (models.Detector.Detect(portrait).Count == 1 && portraits.Count < count) portraits.Add(portrait);
                else portrait.Dispose();
            }
        }
        if (portraits.Count < count) throw new InvalidOperationException($"only {portraits.Count} single-face cuts in the demo photos");
        return portraits;
    }
}
