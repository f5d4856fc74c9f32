using PortraitBooth.Inference.Packs;

namespace PortraitBooth.Inference.Sampling;

/// <summary>
/// A rectangle of the latent grid that a subject's U-Net rows run on (MultiDiffusion's crop): its box, a latent
/// pixel of context around it, grown to a size the pack's U-Net takes (the image size multiple and minimum) and kept
/// on the canvas. A window as large as the canvas is the canvas itself.
/// </summary>
internal readonly record struct LatentWindow(int X, int Y, int Width, int Height)
{
    private const int MarginPixels = 1;

    public int Pixels => Width * Height;

    public static LatentWindow Canvas(int latentHeight, int latentWidth) => new(0, 0, latentWidth, latentHeight);

    public bool IsCanvas(int latentHeight, int latentWidth) => Width == latentWidth && Height == latentHeight;

    /// <summary>The canvas itself when the pack's U-Net has a fixed sample size (it cannot take a smaller one).</summary>
    public static LatentWindow Around(SubjectBox box, ModelPack pack, int latentHeight, int latentWidth)
    {
        var sample = pack.Spec(PackModels.Unet).Inputs["sample"].Shape;
        if (sample[2].Size is not null || sample[3].Size is not null) return Canvas(latentHeight, latentWidth);
        var (size, vaeScale) = (pack.Manifest.Size, pack.Manifest.Latent.VaeScale);
        var (multiple, minimum) = (Math.Max(1, size.Multiple / vaeScale), size.Min / vaeScale);
        var (x, width) = Span(box.X / vaeScale, (box.X + box.Width + vaeScale - 1) / vaeScale, latentWidth, multiple, minimum);
        var (y, height) = Span(box.Y / vaeScale, (box.Y + box.Height + vaeScale - 1) / vaeScale, latentHeight, multiple, minimum);
        return new LatentWindow(x, y, width, height);
    }

    /// <summary>[start, end) with the margin, grown evenly to a multiple of <paramref name="multiple"/> and at least <paramref name="minimum"/>.</summary>
    private static (int Start, int Length) Span(int start, int end, int extent, int multiple, int minimum)
    {
        start = Math.Max(0, start - MarginPixels);
        end = Math.Min(extent, end + MarginPixels);
        var length = Math.Max(end - start, minimum);
        length = (length + multiple - 1) / multiple * multiple;
        if (length >= extent) return (0, extent);
        start = Math.Clamp(start - (length - (end - start)) / 2, 0, extent - length);
        return (start, length);
    }

    /// <summary>This window of a [C·H·W] canvas tensor into a [C·h·w] one.</summary>
    public void Crop(ReadOnlySpan<float> canvas, int latentHeight, int latentWidth, Span<float> window)
    {
        var channels = canvas.Length / (latentHeight * latentWidth);
        for (var c = 0; c < channels; c++)
            for (var row = 0; row < Height; row++)
                canvas.Slice((c * latentHeight + Y + row) * latentWidth + X, Width)
                    .CopyTo(window.Slice((c * Height + row) * Width, Width));
    }
}
