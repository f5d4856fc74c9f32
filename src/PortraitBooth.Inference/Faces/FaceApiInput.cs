using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace PortraitBooth.Inference.Faces;

/// <summary>Where the original pixels sit inside a padded square network input.</summary>
/// <param name="Scale">Network-input pixels per original pixel.</param>
/// <param name="PadLeft">Zero columns added before the image (in original pixels).</param>
/// <param name="PadTop">Zero rows added before the image (in original pixels).</param>
public readonly record struct SquareInput(float[] Tensor, int Size, float Scale, int PadLeft, int PadTop)
{
    /// <summary>Maps a point in [0,1] of the padded square back to original-image pixels.</summary>
    public PointF ToImage(float unitX, float unitY) =>
        new(unitX * Size / Scale - PadLeft, unitY * Size / Scale - PadTop);
}

/// <summary>
/// face-api's input preparation, reproduced exactly so the converted networks see what the originals saw:
/// zero-pad to a square (centred, or at the bottom/right for the detector), then TensorFlow's bilinear resize
/// (align_corners=false, half_pixel_centers=false) on float RGB in 0..255. Output is planar NCHW [1,3,S,S].
/// </summary>
public static class FaceApiInput
{
    public static SquareInput Prepare(Image<Rgb24> image, int size, bool centred)
    {
        var (width, height) = (image.Width, image.Height);
        var side = Math.Max(width, height);
        var difference = side - Math.Min(width, height);
        // face-api appends round(diff/2) (or all of it) after the image and prepends the rest.
        var append = (int)Math.Round(difference * (centred ? 0.5 : 1.0), MidpointRounding.AwayFromZero);
        var prepend = centred ? difference - append : 0;
        var (padLeft, padTop) = width < height ? (prepend, 0) : (0, prepend);
        if (width == height) (padLeft, padTop) = (0, 0);

        var square = new float[side * side * 3]; // HWC, zero padding
        image.ProcessPixelRows(rows =>
        {
            for (var y = 0; y < rows.Height; y++)
            {
                var row = rows.GetRowSpan(y);
                var target = ((y + padTop) * side + padLeft) * 3;
                for (var x = 0; x < row.Length; x++, target += 3)
                    (square[target], square[target + 1], square[target + 2]) = (row[x].R, row[x].G, row[x].B);
            }
        });
        return new SquareInput(ResizeBilinearToNchw(square, side, side, size, size), size, (float)size / side, padLeft, padTop);
    }

    /// <summary>TensorFlow's legacy bilinear resize of an HWC float image, written out as planar NCHW.</summary>
    public static float[] ResizeBilinearToNchw(float[] hwc, int inHeight, int inWidth, int outHeight, int outWidth)
    {
        var output = new float[3 * outHeight * outWidth];
        var plane = outHeight * outWidth;
        var (scaleY, scaleX) = ((float)inHeight / outHeight, (float)inWidth / outWidth);
        for (var y = 0; y < outHeight; y++)
        {
            var sourceY = y * scaleY;
            var top = (int)MathF.Floor(sourceY);
            var bottom = Math.Min(inHeight - 1, (int)MathF.Ceiling(sourceY));
            var rowFraction = sourceY - top;
            for (var x = 0; x < outWidth; x++)
            {
                var sourceX = x * scaleX;
                var left = (int)MathF.Floor(sourceX);
                var right = Math.Min(inWidth - 1, (int)MathF.Ceiling(sourceX));
                var columnFraction = sourceX - left;
                for (var c = 0; c < 3; c++)
                {
                    var topLeft = hwc[(top * inWidth + left) * 3 + c];
                    var topRight = hwc[(top * inWidth + right) * 3 + c];
                    var bottomLeft = hwc[(bottom * inWidth + left) * 3 + c];
                    var bottomRight = hwc[(bottom * inWidth + right) * 3 + c];
                    var upper = topLeft + (topRight - topLeft) * columnFraction;
                    var lower = bottomLeft + (bottomRight - bottomLeft) * columnFraction;
                    output[c * plane + y * outWidth + x] = upper + (lower - upper) * rowFraction;
                }
            }
        }
        return output;
    }
}
