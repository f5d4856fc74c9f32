using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace PortraitBooth.Inference.Faces;

/// <summary>
/// Canonical positions, in units of the output square, of the left eye centre, right eye centre and mouth centre
/// (as seen in the image: "left" is the smaller x).
/// </summary>
public sealed record AlignmentTemplate(string Name, PointF LeftEye, PointF RightEye, PointF Mouth)
{
    /// <summary>
    /// For the dlib-derived 150×150 recognizer. face-api's dlib alignment puts the centroid of (eyes, mouth) at
    /// (0.5, 0.43) of a square whose side is the mean eye-to-mouth distance / 0.45; the eye spacing completing the
    /// triangle is the average face's (ArcFace template: eye distance = 0.867 × eye-to-mouth height).
    /// </summary>
    public static AlignmentTemplate Dlib150 { get; } = new("dlib-150", new(0.3210f, 0.2924f), new(0.6790f, 0.2924f), new(0.5f, 0.7053f));

    /// <summary>The standard ArcFace 112×112 five-point template reduced to eye centres and the mouth centre.</summary>
    public static AlignmentTemplate ArcFace112 { get; } = new("arcface-112",
        new(38.2946f / 112, 51.6963f / 112), new(73.5318f / 112, 51.5014f / 112), new(56.1396f / 112, 92.2848f / 112));

    /// <summary>
    /// The portrait framing of the 128×128 training crops (and so of what a trained pack draws): the face's
    /// eye-to-mouth height is 0.27 of the side, with the eyes at 0.39 from the top, which leaves the hair above and
    /// the chin and some neck below. The eye spacing completes the average face's triangle as in dlib-150
    /// (0.234 = 0.867 × 0.27), so only scale and position differ from the recognizer's crop.
    /// </summary>
    public static AlignmentTemplate Portrait128 { get; } = new("portrait-128", new(0.383f, 0.39f), new(0.617f, 0.39f), new(0.5f, 0.66f));

    public static IReadOnlyList<AlignmentTemplate> All { get; } = [Dlib150, ArcFace112, Portrait128];

    public static AlignmentTemplate Named(string name) =>
        All.FirstOrDefault(t => t.Name == name)
        ?? throw new ArgumentException($"unknown alignment template '{name}' (known: {string.Join(", ", All.Select(t => t.Name))})");
}

/// <summary>A rotation + uniform scale + translation: p' = [a −b; b a]·p + t.</summary>
public readonly record struct SimilarityTransform(float A, float B, float Tx, float Ty)
{
    public PointF Apply(PointF p) => new(A * p.X - B * p.Y + Tx, B * p.X + A * p.Y + Ty);

    public SimilarityTransform Inverse()
    {
        var norm = A * A + B * B;
        var (a, b) = (A / norm, -B / norm);
        return new SimilarityTransform(a, b, -(a * Tx - b * Ty), -(b * Tx + a * Ty));
    }

    /// <summary>Least-squares fit (Umeyama, no reflection) mapping <paramref name="from"/> onto <paramref name="to"/>.</summary>
    public static SimilarityTransform Fit(IReadOnlyList<PointF> from, IReadOnlyList<PointF> to)
    {
        var n = from.Count;
        var (fx, fy) = (from.Average(p => p.X), from.Average(p => p.Y));
        var (tx, ty) = (to.Average(p => p.X), to.Average(p => p.Y));
        double dot = 0, cross = 0, norm = 0;
        for (var i = 0; i < n; i++)
        {
            var (ux, uy) = (from[i].X - fx, from[i].Y - fy);
            var (vx, vy) = (to[i].X - tx, to[i].Y - ty);
            dot += ux * vx + uy * vy;
            cross += ux * vy - uy * vx;
            norm += ux * ux + uy * uy;
        }
        if (norm == 0) throw new ArgumentException("the source points coincide");
        var (a, b) = ((float)(dot / norm), (float)(cross / norm));
        return new SimilarityTransform(a, b, tx - (a * fx - b * fy), ty - (b * fx + a * fy));
    }
}

/// <summary>Warps a face upright onto a template from its 68 landmarks (eye centres and mouth centre).</summary>
public static class FaceAligner
{
    public static (PointF LeftEye, PointF RightEye, PointF Mouth) ReferencePoints(IReadOnlyList<PointF> landmarks68)
    {
        if (landmarks68.Count != 68) throw new ArgumentException($"expected 68 landmarks, got {landmarks68.Count}");
        PointF Mean(int from, int to)
        {
            float x = 0, y = 0;
            for (var i = from; i <= to; i++) (x, y) = (x + landmarks68[i].X, y + landmarks68[i].Y);
            return new PointF(x / (to - from + 1), y / (to - from + 1));
        }
        // iBUG 68-point order: 36-41 one eye, 42-47 the other, 48-67 the mouth.
        var (first, second) = (Mean(36, 41), Mean(42, 47));
        return first.X <= second.X ? (first, second, Mean(48, 67)) : (second, first, Mean(48, 67));
    }

    /// <summary>The transform from image pixels to output pixels of a <paramref name="size"/>² aligned crop.</summary>
    public static SimilarityTransform TransformFor(IReadOnlyList<PointF> landmarks68, AlignmentTemplate template, int size)
    {
        var (left, right, mouth) = ReferencePoints(landmarks68);
        PointF Scaled(PointF unit) => new(unit.X * size, unit.Y * size);
        return SimilarityTransform.Fit([left, right, mouth], [Scaled(template.LeftEye), Scaled(template.RightEye), Scaled(template.Mouth)]);
    }

    public static Image<Rgb24> Align(Image<Rgb24> image, IReadOnlyList<PointF> landmarks68, AlignmentTemplate template, int size) =>
        Warp(image, TransformFor(landmarks68, template, size).Inverse(), size, replicateEdges: false);

    /// <summary>
    /// Bilinear sampling of the source at the inverse-mapped position of each output pixel centre. Outside the
    /// source the pixels are black, or with <paramref name="replicateEdges"/> those of the nearest edge pixel.
    /// </summary>
    public static Image<Rgb24> Warp(Image<Rgb24> source, SimilarityTransform outputToSource, int size, bool replicateEdges)
    {
        var pixels = new Rgb24[size * size];
        var (width, height) = (source.Width, source.Height);
        source.ProcessPixelRows(rows =>
        {
            for (var y = 0; y < size; y++)
                for (var x = 0; x < size; x++)
                {
                    var p = outputToSource.Apply(new PointF(x + 0.5f, y + 0.5f));
                    var (sx, sy) = (p.X - 0.5f, p.Y - 0.5f);
                    var (x0, y0) = ((int)MathF.Floor(sx), (int)MathF.Floor(sy));
                    var (fx, fy) = (sx - x0, sy - y0);
                    float r = 0, g = 0, b = 0;
                    for (var dy = 0; dy <= 1; dy++)
                        for (var dx = 0; dx <= 1; dx++)
                        {
                            var (px, py) = (x0 + dx, y0 + dy);
                            if (replicateEdges) (px, py) = (Math.Clamp(px, 0, width - 1), Math.Clamp(py, 0, height - 1));
                            else if (px < 0 || py < 0 || px >= width || py >= height) continue;
                            var weight = (dx == 0 ? 1 - fx : fx) * (dy == 0 ? 1 - fy : fy);
                            var pixel = rows.GetRowSpan(py)[px];
                            (r, g, b) = (r + weight * pixel.R, g + weight * pixel.G, b + weight * pixel.B);
                        }
                    pixels[y * size + x] = new Rgb24(ToByte(r), ToByte(g), ToByte(b));
                }
        });
        return Image.LoadPixelData<Rgb24>(pixels, size, size);
    }

    private static byte ToByte(float v) => (byte)Math.Clamp(MathF.Round(v), 0, 255);
}
