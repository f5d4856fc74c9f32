using PortraitBooth.Inference.Packs;
using PortraitBooth.Inference.Sampling;
using PortraitBooth.Inference.Scheduling;

namespace PortraitBooth.Inference.Tests.Sampling;

public sealed class RegionBlendTests
{
    // Two regions over four latent pixels and two channels (channel-major, like [C,h,w]).
    private static readonly float[] First = [1, 2, 3, 4, /* channel 1 */ -1, -2, -3, -4];
    private static readonly float[] Second = [10, 20, 30, 40, /* channel 1 */ 5, 6, 7, 8];
    private static readonly float[] FirstMask = [1, 0.25f, 0.5f, 0];
    private static readonly float[] SecondMask = [0, 0.75f, 1.5f, 0];

    [Fact]
    public void The_blend_is_the_mask_weighted_average_per_pixel_in_every_channel()
    {
        var blend = new float[First.Length];
        RegionBlend.Blend([First, Second], [FirstMask, SecondMask], blend);

        // Pixel 0: only the first region; 1: 0.25·a + 0.75·b; 2: weights 0.5 and 1.5 sum to 2; 3: no region covers it.
        float[] expected =
        [
            1, 0.25f * 2 + 0.75f * 20, (0.5f * 3 + 1.5f * 30) / 2, 0,
            -1, 0.25f * -2 + 0.75f * 6, (0.5f * -3 + 1.5f * 7) / 2, 0,
        ];
        for (var i = 0; i < expected.Length; i++) Assert.Equal(expected[i], blend[i], 1e-6f);
    }

    [Fact]
    public void One_step_on_the_blend_equals_the_mask_weighted_average_of_per_region_steps()
    {
        var scheduler = new EulerDiscreteScheduler(
            new SchedulerConfig("euler_discrete", 1000, 0.00085, 0.012, "scaled_linear", "linspace", 1, "epsilon"), 10);
        float[] latent = [0.5f, -1, 2, 0.25f, 1, 1.5f, -0.5f, 3];
        float[] masks0 = [1, 0.25f, 0.4f, 0], masks1 = [0, 0.75f, 0.6f, 1]; // each pixel's weights sum to 1
        var blend = new float[latent.Length];
        RegionBlend.Blend([First, Second], [masks0, masks1], blend);
        var once = latent.ToArray();
        scheduler.Step(blend, 3, once);

        var (stepFirst, stepSecond) = (latent.ToArray(), latent.ToArray());
        scheduler.Step(First, 3, stepFirst);
        scheduler.Step(Second, 3, stepSecond);
        for (var i = 0; i < latent.Length; i++)
        {
            var p = i % masks0.Length;
            Assert.Equal(masks0[p] * stepFirst[i] + masks1[p] * stepSecond[i], once[i], 1e-5f);
        }
    }

    [Fact]
    public void Masks_cover_the_latent_pixels_whose_centres_lie_in_the_box_and_the_background_is_the_rest()
    {
        // 32×16 pixels at 8 px per latent pixel: a 4×2 latent grid; the box covers pixel centres x 12 and 20, y 4.
        var mask = RegionMasks.Subject(new SubjectBox(9, 0, 14, 8), latentHeight: 2, latentWidth: 4, vaeScale: 8);
        Assert.Equal([0, 1, 1, 0, 0, 0, 0, 0], mask);
        Assert.Equal([1, 0, 0, 1, 1, 1, 1, 1], RegionMasks.Background([mask]));
        Assert.Equal([0, 0, 0, 0, 0, 0, 0, 0], RegionMasks.Background([mask, mask.Select(m => 1 - m).ToArray()]));
    }
}
