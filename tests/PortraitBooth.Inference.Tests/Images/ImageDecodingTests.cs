using PortraitBooth.Inference.Images;
using PortraitBooth.Inference.Randomness;
using PortraitBooth.Testing;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Advanced;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace PortraitBooth.Inference.Tests.Images;

public sealed class ImageDecodingTests
{
    [Fact]
    public void Webp_content_under_a_jpg_name_is_decoded_by_sniffing()
    {
        var path = SharedData.Require("data", "identities", "scarlett_johansson", "3.jpg");
        using var image = ImageDecoding.LoadRgb(path);
        Assert.Equal((1350, 1800), (image.Width, image.Height));
    }

    [Fact]
    public void Exif_orientation_is_applied()
    {
        using var upright = new Image<Rgb24>(40, 20, new Rgb24(10, 20, 30));
        upright[0, 0] = new Rgb24(255, 0, 0);
        upright.Metadata.ExifProfile = new ExifProfile();
        upright.Metadata.ExifProfile.SetValue(ExifTag.Orientation, (ushort)6); // rotate 90° clockwise to display
        var bytes = Encode(upright, new PngEncoder());

        using var decoded = ImageDecoding.DecodeRgb(bytes, "rotated.png");
        Assert.Equal((20, 40), (decoded.Width, decoded.Height));
        Assert.Equal(new Rgb24(255, 0, 0), decoded[19, 0]);
    }

    [Fact]
    public void Exif_gps_iptc_and_xmp_do_not_survive_decoding_nor_a_jpeg_made_from_the_result()
    {
        using var tagged = new Image<Rgb24>(32, 32, new Rgb24(90, 60, 30));
        tagged.Metadata.ExifProfile = new ExifProfile();
        tagged.Metadata.ExifProfile.SetValue(ExifTag.GPSLatitudeRef, "N");
        tagged.Metadata.ExifProfile.SetValue(ExifTag.Model, "PhoneCam-7");
        tagged.Metadata.IptcProfile = new SixLabors.ImageSharp.Metadata.Profiles.Iptc.IptcProfile();
        tagged.Metadata.IptcProfile.SetValue(SixLabors.ImageSharp.Metadata.Profiles.Iptc.IptcTag.City, "Sampletown");
        var bytes = Encode(tagged, new JpegEncoder());
        Assert.True(Contains(bytes, "PhoneCam-7") && Contains(bytes, "Sampletown"), "the test photo lacks its metadata");

        using var decoded = ImageDecoding.DecodeRgb(bytes, "tagged.jpg");
        Assert.Null(decoded.Metadata.ExifProfile);
        Assert.Null(decoded.Metadata.IptcProfile);
        Assert.Null(decoded.Metadata.XmpProfile);
        var stored = Encode(decoded, new JpegEncoder { Quality = 92 });
        Assert.False(Contains(stored, "PhoneCam-7") || Contains(stored, "Sampletown") || Contains(stored, "Exif"), "metadata reached the re-encoded photo");
    }

    private static bool Contains(byte[] bytes, string text) => bytes.AsSpan().IndexOf(System.Text.Encoding.ASCII.GetBytes(text)) >= 0;

    [Fact]
    public void The_pixel_count_is_checked_from_the_header_before_decoding()
    {
        using var wide = new Image<Rgb24>(3000, 2000);
        var bytes = Encode(wide, new PngEncoder());
        var limits = new ImageDecodingLimits(MaxPixels: 5_000_000);
        var error = Assert.Throws<InvalidImageException>(() => ImageDecoding.DecodeRgb(bytes, "big.png", limits));
        Assert.Contains("3000x2000", error.Message);
        Assert.Contains("5000000 pixels", error.Message);
    }

    [Fact]
    public void Only_the_first_frame_of_an_animated_gif_is_decoded_and_its_buffers_count_against_the_budget()
    {
        var gif = GifBomb.Create(4000, 4000, frames: 20);
        using var image = ImageDecoding.DecodeRgb(gif, "bomb.gif");
        Assert.Equal((4000, 4000, 1), (image.Width, image.Height, image.Frames.Count));
        Assert.Equal(new Rgb24(0x80, 0x70, 0x60), image[3999, 3999]);
        // One frame of RGB (48 MB) and the decoder's index buffer of one frame (16 MB), not 20 frames.
        var budget = Assert.IsType<ImageMemoryBudget>(image.GetConfiguration().MemoryAllocator);
        Assert.InRange(budget.Peak, 4000L * 4000 * 3, 4000L * 4000 * 5);
    }

    [Fact]
    public void A_gif_frame_larger_than_its_screen_is_refused_before_decoding()
    {
        var gif = GifBomb.Create(100, 100, frames: 1, frameWidth: 30000, frameHeight: 30000);
        var error = Assert.Throws<InvalidImageException>(() => ImageDecoding.DecodeRgb(gif, "frame.gif"));
        Assert.Contains("first frame of 30000x30000", error.Message);
    }

    [Fact]
    public void An_image_that_needs_more_memory_than_the_budget_is_refused_with_the_budget_named()
    {
        using var photo = new Image<Rgb24>(2000, 2000);
        var bytes = Encode(photo, new PngEncoder());
        var error = Assert.Throws<InvalidImageException>(() =>
            ImageDecoding.DecodeRgb(bytes, "big.png", new ImageDecodingLimits(MaxMemoryBytes: 8L * 1024 * 1024)));
        Assert.Contains("needs more than 8 MB", error.Message);
        Assert.IsType<ImageMemoryBudgetExceededException>(error.InnerException?.InnerException ?? error.InnerException);
    }

    [Fact]
    public void Decoder_failures_answer_our_message_and_keep_the_decoders_own_for_the_log()
    {
        var jpeg = File.ReadAllBytes(FaceApiReference.SamplePhoto(1));
        var truncated = jpeg[..(jpeg.Length / 50)];
        var error = Assert.Throws<InvalidImageException>(() => ImageDecoding.DecodeRgb(truncated, "cut.jpg"));
        Assert.Equal("'cut.jpg' is not a readable image: its data is corrupt, truncated or uses an unsupported variant", error.Message);
        Assert.NotNull(error.InnerException);
        Assert.DoesNotContain(error.InnerException.Message, error.Message);
    }

    [Theory]
    [InlineData(new byte[0], "is empty")]
    [InlineData(new byte[] { 0x25, 0x50, 0x44, 0x46, 0x2D, 0x31 }, "not an image in a supported format")]
    public void Empty_and_unsupported_files_are_refused_clearly(byte[] bytes, string message)
    {
        var error = Assert.Throws<InvalidImageException>(() => ImageDecoding.DecodeRgb(bytes, "upload"));
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void A_truncated_jpeg_is_refused_or_decoded_never_anything_else()
    {
        var jpeg = File.ReadAllBytes(FaceApiReference.SamplePhoto(1));
        foreach (var length in new[] { 2, 10, 200, jpeg.Length / 3 })
            DecodeOrRefuse(jpeg[..length]);
    }

    /// <summary>
    /// Mutated JPEG, PNG and WebP bytes (fixed seed): every case either decodes or raises InvalidImageException,
    /// within 2 s. Seeds are small re-encodings of real photos so thousands of cases stay fast.
    /// </summary>
    [Fact]
    public void Fuzzed_images_never_crash_hang_or_raise_another_error()
    {
        using var photo = ImageDecoding.LoadRgb(FaceApiReference.SamplePhoto(2));
        photo.Mutate(x => x.Resize(64, 48));
        var seeds = new List<byte[]>
        {
            Encode(photo, new JpegEncoder { Quality = 80 }),
            Encode(photo, new PngEncoder()),
            Encode(photo, new WebpEncoder { FileFormat = WebpFileFormatType.Lossy }),
            Encode(photo, new WebpEncoder { FileFormat = WebpFileFormatType.Lossless }),
        };
        var random = new PhiloxRandom(2024);
        var (decoded, refused) = (0, 0);
        const int cases = 2400;
        for (var i = 0; i < cases; i++)
        {
            var mutated = Mutate(seeds[i % seeds.Count], random);
            if (DecodeOrRefuse(mutated)) decoded++;
            else refused++;
        }
        TestContext.Current.TestOutputHelper?.WriteLine($"{cases} cases: {decoded} decoded, {refused} refused with InvalidImageException");
        Assert.Equal(cases, decoded + refused);
    }

    private static bool DecodeOrRefuse(byte[] bytes)
    {
        var attempt = Task.Run(() =>
        {
            try
            {
                using var image = ImageDecoding.DecodeRgb(bytes, "fuzz");
                return true;
            }
            catch (InvalidImageException)
            {
                return false;
            }
        });
        Assert.True(attempt.Wait(TimeSpan.FromSeconds(2)), "decoding took longer than 2 s");
        return attempt.Result; // any other exception type fails the test here
    }

    private static byte[] Mutate(byte[] original, PhiloxRandom random)
    {
        var bytes = original.ToList();
        var edits = 1 + (int)(random.NextUInt32() % 8);
        for (var e = 0; e < edits && bytes.Count > 0; e++)
        {
            var at = (int)(random.NextUInt32() % (uint)bytes.Count);
            switch (random.NextUInt32() % 5)
            {
                case 0: bytes[at] = (byte)random.NextUInt32(); break;                         // overwrite a byte
                case 1: bytes[at] ^= (byte)(1 << (int)(random.NextUInt32() % 8)); break;      // flip a bit
                case 2: bytes.RemoveRange(at, bytes.Count - at); break;                         // truncate
                case 3: bytes.InsertRange(at, Enumerable.Repeat((byte)0xFF, 1 + (int)(random.NextUInt32() % 16))); break;
                default: bytes[at] = (byte)(bytes[at] + 1); break;                               // nudge a length or marker
            }
        }
        return bytes.ToArray();
    }

    private static byte[] Encode(Image<Rgb24> image, IImageEncoder encoder)
    {
        using var stream = new MemoryStream();
        image.Save(stream, encoder);
        return stream.ToArray();
    }
}
