using PortraitBooth.Inference.Packs;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace PortraitBooth.Inference.Faces;

/// <summary>The pack's pixel normalisation of an aligned face crop: colour order, then (v/255 − mean)/std, planar.</summary>
public static class FaceTensor
{
    public static float[] FromCrop(Image<Rgb24> crop, FacePreprocessing preprocessing)
    {
        if (crop.Width != preprocessing.Width || crop.Height != preprocessing.Height)
            throw new ArgumentException($"face crop is {crop.Width}x{crop.Height}, the encoder wants {preprocessing.Width}x{preprocessing.Height}");
        var bgr = preprocessing.ColorOrder switch
        {
            "rgb" => false,
            "bgr" => true,
            var other => throw new PackException($"pack.json: face.color_order '{other}' is not rgb or bgr"),
        };
        var plane = crop.Width * crop.Height;
        var tensor = new float[3 * plane];
        crop.ProcessPixelRows(rows =>
        {
            for (var y = 0; y < rows.Height; y++)
            {
                var row = rows.GetRowSpan(y);
                for (var x = 0; x < row.Length; x++)
                {
                    var i = y * rows.Width + x;
                    var (r, g, b) = (row[x].R, row[x].G, row[x].B);
                    var (c0, c2) = bgr ? (b, r) : (r, b);
                    tensor[i] = Normalise(c0, 0, preprocessing);
                    tensor[plane + i] = Normalise(g, 1, preprocessing);
                    tensor[2 * plane + i] = Normalise(c2, 2, preprocessing);
                }
            }
        });
        return tensor;
    }

    private static float Normalise(byte value, int channel, FacePreprocessing p) =>
        (value / 255f - p.Mean[channel]) / p.Std[channel];
}
