using SixLabors.ImageSharp;

namespace PortraitBooth.Inference.Faces;

/// <summary>
/// face-api's mapping of a detector box back to the photo (SsdMobilenetv1.locateFaces): clamp the unit box to
/// [0,1], scale each axis by inputSize / (that side of the photo as resized into the square, rounded), then by the
/// photo's size. The padding sits past the right or bottom edge, so no offset is needed; we then clamp to the photo.
/// </summary>
internal readonly struct DetectionToImage(int inputSize, int width, int height)
{
    private readonly double _scaleX = ScaleFor(width, inputSize, Math.Max(width, height));
    private readonly double _scaleY = ScaleFor(height, inputSize, Math.Max(width, height));

    /// <param name="box">[top,left,bottom,right] in [0,1] of the padded square.</param>
    public RectangleF Map(ReadOnlySpan<float> box)
    {
        double top = Math.Max(0, box[0]) * _scaleY, left = Math.Max(0, box[1]) * _scaleX;
        double bottom = Math.Min(1, box[2]) * _scaleY, right = Math.Min(1, box[3]) * _scaleX;
        var (x0, y0) = (Math.Clamp(left * width, 0, width), Math.Clamp(top * height, 0, height));
        var (x1, y1) = (Math.Clamp(right * width, 0, width), Math.Clamp(bottom * height, 0, height));
        return new RectangleF((float)x0, (float)y0, (float)Math.Max(0, x1 - x0), (float)Math.Max(0, y1 - y0));
    }

    /// <summary>computeReshapedDimensions rounds with Math.round (half up; sides are positive).</summary>
    private static double ScaleFor(int side, int inputSize, int longestSide)
    {
        var resized = Math.Round(side * ((double)inputSize / longestSide), MidpointRounding.AwayFromZero);
        return inputSize / resized;
    }
}
