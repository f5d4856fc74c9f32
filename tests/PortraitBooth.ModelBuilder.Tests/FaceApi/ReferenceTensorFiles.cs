using System.Runtime.InteropServices;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace PortraitBooth.ModelBuilder.Tests.FaceApi;

/// <summary>
/// How the parity runs hand tensors to face-api's Node scripts and back: raw little-endian float32 files, and
/// photos as HWC float pixels (what tf.tensor3d takes), so both sides see exactly the same values.
/// </summary>
internal static class ReferenceTensorFiles
{
    public static void Write(string path, float[] values) => File.WriteAllBytes(path, MemoryMarshal.AsBytes(values.AsSpan()).ToArray());

    public static float[] Read(string path) => MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(path)).ToArray();

    /// <summary>The image's pixels as [height, width, 3] floats 0..255.</summary>
    public static float[] Hwc(Image<Rgb24> image)
    {
        var values = new float[image.Width * image.Height * 3];
        image.ProcessPixelRows(rows =>
        {
            for (var y = 0; y < rows.Height; y++)
            {
                var row = rows.GetRowSpan(y);
                for (var x = 0; x < row.Length; x++)
                {
                    var at = (y * row.Length + x) * 3;
                    (values[at], values[at + 1], values[at + 2]) = (row[x].R, row[x].G, row[x].B);
                }
            }
        });
        return values;
    }
}
