using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace PortraitBooth.Inference.Evaluation;

/// <summary>
/// Images in a grid of square cells on a grey ground: one row per sample (references, then outputs), each image
/// scaled to fit its cell with its aspect kept and centred.
/// </summary>
public static class ContactSheet
{
    public const int Gap = 4;
    private static readonly Rgb24 Ground = new(48, 48, 48);

    /// <param name="rows">Row by row; a null entry leaves its cell empty (e.g. a single-subject row in a wider sheet).</param>
    public static Image<Rgb24> Compose(IReadOnlyList<IReadOnlyList<Image<Rgb24>?>> rows, int cell)
    {
        if (rows.Count == 0) throw new ArgumentException("a contact sheet needs at least one row");
        var columns = rows.Max(r => r.Count);
        var sheet = new Image<Rgb24>(Gap + columns * (cell + Gap), Gap + rows.Count * (cell + Gap), Ground);
        for (var r = 0; r < rows.Count; r++)
            for (var c = 0; c < rows[r].Count; c++)
            {
                if (rows[r][c] is not { } image) continue;
                var scale = Math.Min((double)cell / image.Width, (double)cell / image.Height);
                var (width, height) = (Math.Max(1, (int)Math.Round(image.Width * scale)), Math.Max(1, (int)Math.Round(image.Height * scale)));
                using var thumbnail = image.Clone(x => x.Resize(width, height));
                var origin = new Point(Gap + c * (cell + Gap) + (cell - width) / 2, Gap + r * (cell + Gap) + (cell - height) / 2);
                sheet.Mutate(x => x.DrawImage(thumbnail, origin, 1f));
            }
        return sheet;
    }
}
