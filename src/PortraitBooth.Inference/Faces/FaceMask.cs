using SixLabors.ImageSharp;

namespace PortraitBooth.Inference.Faces;

/// <summary>
/// The face region as the convex hull of the jaw line (landmarks 0-16) and the brows (17-26), rasterised to a
/// mask of 0/1 values. Used for training losses and for placing subjects in regions.
/// </summary>
public static class FaceMask
{
    public static IReadOnlyList<PointF> Hull(IReadOnlyList<PointF> landmarks68)
    {
        if (landmarks68.Count != 68) throw new ArgumentException($"expected 68 landmarks, got {landmarks68.Count}");
        return ConvexHull(landmarks68.Take(27).ToList());
    }

    /// <summary>Row-major width×height mask: 1 where the pixel centre lies inside the hull.</summary>
    public static float[] Rasterise(IReadOnlyList<PointF> hull, int width, int height)
    {
        var mask = new float[width * height];
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
                if (Inside(hull, new PointF(x + 0.5f, y + 0.5f))) mask[y * width + x] = 1f;
        return mask;
    }

    private static bool Inside(IReadOnlyList<PointF> hull, PointF p)
    {
        // Counter-clockwise hull (Andrew's monotone chain): inside when left of (or on) every edge.
        for (var i = 0; i < hull.Count; i++)
            if (Cross(hull[i], hull[(i + 1) % hull.Count], p) < 0) return false;
        return hull.Count >= 3;
    }

    private static float Cross(PointF o, PointF a, PointF b) => (a.X - o.X) * (b.Y - o.Y) - (a.Y - o.Y) * (b.X - o.X);

    private static List<PointF> ConvexHull(List<PointF> points)
    {
        var sorted = points.OrderBy(p => p.X).ThenBy(p => p.Y).ToList();
        var hull = new List<PointF>();
        foreach (var pass in new[] { sorted, Enumerable.Reverse(sorted).ToList() })
        {
            var start = hull.Count;
            foreach (var p in pass)
            {
                while (hull.Count >= start + 2 && Cross(hull[^2], hull[^1], p) <= 0) hull.RemoveAt(hull.Count - 1);
                hull.Add(p);
            }
            hull.RemoveAt(hull.Count - 1);
        }
        return hull;
    }
}
