using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace PortraitBooth.Inference.Images;

/// <summary>Limits applied to every untrusted image before it is decoded.</summary>
public sealed record ImageDecodingLimits(int MaxWidth = 8192, int MaxHeight = 8192, long MaxPixels = 40_000_000, long MaxBytes = 30_000_000)
{
    public static ImageDecodingLimits Default { get; } = new();
}

/// <summary>A file or upload that is not an image PortraitBooth accepts; the message says why.</summary>
public sealed class InvalidImageException(string message, Exception? inner = null) : ArgumentException(message, inner);

/// <summary>
/// The one place where untrusted images are decoded: the format is sniffed from the content (never the file
/// name), size is checked from the header (Identify) before any pixel is decoded, only the first frame is kept,
/// EXIF orientation is applied, and the result is RGB. Every decoder failure becomes an <see cref="InvalidImageException"/>.
/// </summary>
public static class ImageDecoding
{
    public static Image<Rgb24> LoadRgb(string path, ImageDecodingLimits? limits = null)
    {
        if (!File.Exists(path)) throw new InvalidImageException($"image '{path}' does not exist");
        byte[] bytes;
        try
        {
            var info = new FileInfo(path);
            limits ??= ImageDecodingLimits.Default;
            if (info.Length > limits.MaxBytes)
                throw new InvalidImageException($"image '{path}' is {info.Length} bytes; at most {limits.MaxBytes} are accepted");
            bytes = File.ReadAllBytes(path);
        }
        catch (IOException e)
        {
            throw new InvalidImageException($"image '{path}' cannot be read: {e.Message}", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new InvalidImageException($"image '{path}' cannot be read: {e.Message}", e);
        }
        return DecodeRgb(bytes, path, limits);
    }

    public static Image<Rgb24> DecodeRgb(byte[] bytes, string name, ImageDecodingLimits? limits = null)
    {
        limits ??= ImageDecodingLimits.Default;
        if (bytes.Length == 0) throw new InvalidImageException($"image '{name}' is empty (0 bytes)");
        if (bytes.Length > limits.MaxBytes)
            throw new InvalidImageException($"image '{name}' is {bytes.Length} bytes; at most {limits.MaxBytes} are accepted");
        try
        {
            var info = Image.Identify(bytes)
                ?? throw new InvalidImageException($"'{name}' is not an image in a supported format (PNG, JPEG, BMP, GIF, TGA, WebP)");
            if (info.Width <= 0 || info.Height <= 0 || info.Width > limits.MaxWidth || info.Height > limits.MaxHeight
                || (long)info.Width * info.Height > limits.MaxPixels)
                throw new InvalidImageException(
                    $"image '{name}' is {info.Width}x{info.Height}; at most {limits.MaxWidth}x{limits.MaxHeight} and {limits.MaxPixels} pixels are accepted");
            var image = Image.Load<Rgb24>(bytes);
            while (image.Frames.Count > 1) image.Frames.RemoveFrame(image.Frames.Count - 1);
            image.Mutate(x => x.AutoOrient());
            return image;
        }
        catch (InvalidImageException)
        {
            throw;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Corrupt or truncated data can surface from a decoder as many exception types; callers see one.
            throw new InvalidImageException($"'{name}' is not a readable image: {e.Message}", e);
        }
    }
}
