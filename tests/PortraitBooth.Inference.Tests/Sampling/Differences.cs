namespace PortraitBooth.Inference.Tests.Sampling;

internal static class Differences
{
    /// <summary>max |a_i − b_i| over two latents of the same length.</summary>
    public static double MaxAbs(float[] a, float[] b)
    {
        Assert.Equal(a.Length, b.Length);
        return a.Zip(b, (x, y) => Math.Abs((double)x - y)).Max();
    }
}
