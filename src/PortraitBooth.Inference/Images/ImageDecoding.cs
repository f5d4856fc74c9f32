using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Tga;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.Metadata;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace PortraitBooth.Inference.Images;

/// <summary>
/// Limits applied to every untrusted image: bytes and the header's size before anything is decoded, and
/// <paramref name="MaxMemoryBytes"/> on the image buffers alive at once while it is decoded and processed
/// (<see cref="ImageMemoryBudget"/>).
/// </summary>
public sealed record ImageDecodingLimits(int MaxWidth = 8192, int MaxHeight = 8192, long MaxPixels = 40_000_000, long MaxBytes = 30_000_000,
    long MaxMemoryBytes = ImageDecodingLimits.DefaultMaxMemoryBytes)
{
    // A 40-megapixel JPEG turned upright by its EXIF orientation peaks at about 230 MB, a WebP of that size at about 270 MB.
    public const long DefaultMaxMemoryBytes = 320L * 1024 * 1024;

    public static ImageDecodingLimits Default { get; } = new();
}

/// <summary>A file or upload that is not an image PortraitBooth accepts; the message says why.</summary>
public sealed class InvalidImageException(string message, Exception? inner = null) : RequestException(message, null, inner)
{
    public override bool IsUnusableInput => true;

    /// <summary>
    /// Why the image could not be decoded, in fixed words fit for a client (no file name, no decoder text); null when
    /// it decoded, or a limit refused it first.
    /// </summary>
    public string? DecodeFailure { get; init; }
}

/// <summary>
/// The one place where untrusted images are decoded: the format is sniffed from the content (never the file
/// name) among PNG, JPEG, BMP, GIF, TGA and WebP; size is checked from the header (Identify) before any pixel is
/// decoded; a GIF is decoded to its first frame only (an animation of 60 frames costs what one frame does; an animated
/// WebP, which ImageSharp 2 decodes whole, is kept to one frame afterwards and bounded by the memory budget); every
/// buffer of the image counts against <see cref="ImageDecodingLimits.MaxMemoryBytes"/>; EXIF orientation is applied,
/// and the result is RGB. Every decoder failure becomes an <see cref="InvalidImageException"/> whose message names the
/// file and the rule, never the decoder's own text (that stays in the inner exception, for the log).
/// </summary>
public static class ImageDecoding
{
    public const string SupportedFormats = "PNG, JPEG, BMP, GIF, TGA, WebP";
    public const string NotAnImage = "it is not an image in a supported format (" + SupportedFormats + ")";
    public const string CorruptData = "its data is corrupt, truncated or uses an unsupported variant";

    private static readonly Configuration Formats = CreateFormats();

    private static Configuration CreateFormats()
    {
        var formats = new Configuration(new PngConfigurationModule(), new JpegConfigurationModule(), new GifConfigurationModule(),
            new BmpConfigurationModule(), new TgaConfigurationModule(), new WebpConfigurationModule());
        formats.ImageFormatsManager.SetDecoder(GifFormat.Instance, new GifDecoder { DecodingMode = FrameDecodingMode.First });
        return formats;
    }

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
        // The image keeps this configuration: its later processing (orientation, scaling) counts against the same budget.
        var configuration = Formats.Clone();
        configuration.MemoryAllocator = new ImageMemoryBudget(limits.MaxMemoryBytes);
        Image<Rgb24>? image = null;
        try
        {
            var info = Image.Identify(configuration, bytes, out var format)
                ?? throw new InvalidImageException($"'{name}' is not an image in a supported format ({SupportedFormats})") { DecodeFailure = NotAnImage };
            CheckSize(name, "is", info.Width, info.Height, limits);
            if (format == GifFormat.Instance && GifFrameHeader.FirstFrame(bytes) is (int frameWidth, int frameHeight))
                CheckSize(name, "has a first frame of", frameWidth, frameHeight, limits);
            image = Image.Load<Rgb24>(configuration, bytes);
            while (image.Frames.Count > 1) image.Frames.RemoveFrame(image.Frames.Count - 1);
            image.Mutate(x => x.AutoOrient());
            // Where, when and with what a photo was taken stays with its uploader: whatever is made from it (the
            // stored photo above all) carries pixels and colour profile only.
            image.Metadata.ExifProfile = null;
            image.Metadata.IptcProfile = null;
            image.Metadata.XmpProfile = null;
            return image;
        }
        catch (Exception e) when (e is not InvalidImageException and not OutOfMemoryException)
        {
            image?.Dispose();
            // Corrupt or truncated data can surface from a decoder as many exception types; callers see one, with a
            // message of ours (decoder text can be internal, e.g. "Collection was modified" from a broken EXIF block).
            if (FindInChain<ImageMemoryBudgetExceededException>(e) is { } budget)
                throw new InvalidImageException(
                    $"image '{name}' needs more than {budget.BudgetBytes / (1024 * 1024)} MB of memory to decode; at most that is allowed for one image", e);
            throw new InvalidImageException($"'{name}' is not a readable image: {CorruptData}", e) { DecodeFailure = CorruptData };
        }
        catch
        {
            image?.Dispose();
            throw;
        }
    }

    private static void CheckSize(string name, string what, int width, int height, ImageDecodingLimits limits)
    {
        if (width <= 0 || height <= 0 || width > limits.MaxWidth || height > limits.MaxHeight || (long)width * height > limits.MaxPixels)
            throw new InvalidImageException(
                $"image '{name}' {what} {width}x{height}; at most {limits.MaxWidth}x{limits.MaxHeight} and {limits.MaxPixels} pixels are accepted");
    }

    private static T? FindInChain<T>(Exception? e) where T : Exception
    {
        for (; e is not null; e = e.InnerException)
            if (e is T found) return found;
        return null;
    }
}
