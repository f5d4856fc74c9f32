using System.Net;
using System.Text.Json;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace PortraitBooth.Api.Tests.Hostile;

/// <summary>
/// A photo the decoder fails on: a corrupt EXIF block once put the decoder's own text ("Collection was modified…")
/// into the 422. The client now gets a fixed reason, and the decoder's exception is logged with the answer's trace id.
/// </summary>
public sealed class CorruptPhotoTests(LoggedHostFixture host) : IClassFixture<LoggedHostFixture>, IAsyncLifetime
{
    private const string FileName = "garbage-exif.jpg";
    private string _key = "";

    public async ValueTask InitializeAsync() => (_, _key) = await host.NewTenant();

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    // A little-endian TIFF block whose IFD0 (at 8) has one pointer (tag, LONG, count 1) to an IFD at 26 that points to itself.
    public static TheoryData<string, ushort> SelfReferencingPointers => new()
    {
        { "Exif IFD pointer", 0x8769 },
        { "GPS IFD pointer", 0x8825 },
    };

    [Theory]
    [MemberData(nameof(SelfReferencingPointers))]
    public async Task A_jpeg_with_a_garbage_exif_block_gets_a_fixed_reason_and_the_log_gets_the_exception(string name, ushort pointerTag)
    {
        using var client = host.Client(_key);
        using var response = await client.PostAsync("/v1/identities", ApiClient.Photo(JpegWithExif(Tiff(pointerTag)), FileName), TestContext.Current.CancellationToken);

        var detail = await Hostile.ExpectProblem(response, HttpStatusCode.UnprocessableEntity, "the photo could not be decoded", "corrupt");
        Assert.DoesNotContain(FileName, detail);
        Assert.DoesNotContain("Collection", detail);
        var traceId = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))
            .RootElement.GetProperty("trace_id").GetString()!;
        var logged = host.Logs.Snapshot().Where(e => e.Message.Contains(traceId)).ToList();
        var entry = Assert.Single(logged);
        Assert.NotNull(entry.Exception);
        TestContext.Current.TestOutputHelper?.WriteLine($"{name}: '{detail}'; logged {entry.Level} '{entry.Message}' with {entry.Exception.GetType().Name}: {entry.Exception.Message}");
        await Hostile.ExpectHealthy(host, _key);
    }

    private static byte[] Tiff(ushort pointerTag)
    {
        var (low, high) = ((byte)pointerTag, (byte)(pointerTag >> 8));
        byte[] pointerTo26 = [low, high, 4, 0, 1, 0, 0, 0, 26, 0, 0, 0];
        return [.. "II*\0"u8, 8, 0, 0, 0, 1, 0, .. pointerTo26, 0, 0, 0, 0, 1, 0, .. pointerTo26, 0, 0, 0, 0];
    }

    /// <summary>A valid small JPEG made here, with an APP1 "Exif" segment holding <paramref name="tiff"/> right after its SOI marker.</summary>
    private static byte[] JpegWithExif(byte[] tiff)
    {
        using var image = new Image<Rgb24>(64, 64, new Rgb24(120, 90, 60));
        using var jpeg = new MemoryStream();
        image.SaveAsJpeg(jpeg);
        var valid = jpeg.ToArray();
        byte[] payload = [.. "Exif\0\0"u8, .. tiff];
        var length = payload.Length + 2; // the segment length counts its own two bytes
        return [0xFF, 0xD8, 0xFF, 0xE1, (byte)(length >> 8), (byte)length, .. payload, .. valid[2..]];
    }
}
