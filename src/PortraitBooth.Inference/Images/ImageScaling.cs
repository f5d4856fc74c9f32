using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace PortraitBooth.Inference.Images;

/// <summary>Size limits applied before analysis, so that timings and comparisons see photos of a bounded size.</summary>
public static class ImageScaling
{
    /// <summary>Shrinks <paramref name="image"/> in place so its longest side is at most <paramref name="longestSide"/>; never enlarges.</summary>
    public static void ShrinkToFit(Image<Rgb24> image, int longestSide)
    {
        var scale = Math.Min(1.0, (double)longestSide / Math.Max(image.Width, image.Height));
        if (scale < 1) image.Mutate(x => x.Resize((int)Math.Round(image.Width * scale), (int)Math.Round(image.Height * scale)));
    }
}
