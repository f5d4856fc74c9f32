using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;

namespace PortraitBooth.Inference.Images;

/// <summary>Turns decoded pixels into PNG or JPEG: the one place for the encoders' settings.</summary>
public static class ImageEncoding
{
    /// <summary>Generated images, as the API serves them.</summary>
    public static readonly PngEncoder Png = new();
    /// <summary>Generated images saved as .jpg by the CLI.</summary>
    public static readonly JpegEncoder Jpeg = new() { Quality = 95 };
    /// <summary>Uploaded reference photos as stored (pixels only, upright).</summary>
    public static readonly JpegEncoder StoredPhoto = new() { Quality = 92 };

    public static IImageEncoder EncoderFor(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".png" => Png,
        ".jpg" or ".jpeg" => Jpeg,
        var other => throw new ArgumentException($"output '{path}' must end in .png, .jpg or .jpeg (not '{other}')"),
    };

    public static void Save(Image<Rgb24> image, string path)
    {
        var encoder = EncoderFor(path);
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
        image.Save(path, encoder);
    }

    /// <summary>A [3,H,W] planar tensor with values in <paramref name="range"/> (the VAE decoder's) to RGB pixels.</summary>
    public static Image<Rgb24> FromPlanar(ReadOnlySpan<float> chw, int width, int height, PixelRange range)
    {
        var plane = width * height;
        if (chw.Length < 3 * plane) throw new ArgumentException("tensor is smaller than 3 x width x height");
        var pixels = new Rgb24[plane];
        for (var i = 0; i < plane; i++)
            pixels[i] = new Rgb24(range.ToByte(chw[i]), range.ToByte(chw[plane + i]), range.ToByte(chw[2 * plane + i]));
        return Image.LoadPixelData<Rgb24>(pixels, width, height);
    }
}
