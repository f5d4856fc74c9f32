namespace PortraitBooth.Inference.Sampling;

/// <summary>Subject boxes in output pixels → masks on the latent grid.</summary>
public static class RegionMasks
{
    /// <summary>1 at each latent pixel whose centre lies inside the box, else 0; [h·w] row-major.</summary>
    public static float[] Subject(SubjectBox box, int latentHeight, int latentWidth, int vaeScale)
    {
        var mask = new float[latentHeight * latentWidth];
        for (var y = 0; y < latentHeight; y++)
        {
            var centreY = (y + 0.5) * vaeScale;
            if (centreY < box.Y || centreY >= box.Y + box.Height) continue;
            for (var x = 0; x < latentWidth; x++)
            {
                var centreX = (x + 0.5) * vaeScale;
                if (centreX >= box.X && centreX < box.X + box.Width) mask[y * latentWidth + x] = 1f;
            }
        }
        return mask;
    }

    /// <summary>The background: 1 − Σ subject masks, clamped at 0.</summary>
    public static float[] Background(IReadOnlyList<float[]> subjects)
    {
        var background = new float[subjects[0].Length];
        for (var p = 0; p < background.Length; p++)
        {
            var covered = 0f;
            foreach (var mask in subjects) covered += mask[p];
            background[p] = Math.Max(0f, 1f - covered);
        }
        return background;
    }
}
