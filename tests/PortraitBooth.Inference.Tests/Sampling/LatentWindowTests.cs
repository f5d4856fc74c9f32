using PortraitBooth.Inference.Sampling;

namespace PortraitBooth.Inference.Tests.Sampling;

/// <summary>The window a subject's U-Net rows run on, on the tiny pack (vae scale 8, sizes a multiple of 32 px, at least 64 px).</summary>
public sealed class LatentWindowTests(PipelineFixture fixture) : IClassFixture<PipelineFixture>
{
    [Fact]
    public void The_default_two_subject_boxes_get_windows_of_one_size_that_hold_their_box_and_stay_on_the_canvas()
    {
        var boxes = SubjectLayout.DefaultBoxes(2, 128, 128); // 58×102 px at x = 3 and 67, y = 13: latent columns 0-7 and 8-15
        var windows = boxes.Select(box => LatentWindow.Around(box, fixture.Pack, 16, 16)).ToList();

        Assert.Equal([new LatentWindow(0, 0, 12, 16), new LatentWindow(4, 0, 12, 16)], windows);
    }

    [Fact]
    public void A_small_box_grows_by_a_latent_pixel_then_evenly_to_the_packs_minimum_and_multiple()
    {
        // Latent columns and rows 5-6; with the margin 4-7 (4 pixels), grown to the minimum of 64 px = 8 latent pixels.
        var window = LatentWindow.Around(new SubjectBox(40, 40, 16, 16), fixture.Pack, 16, 16);
        Assert.Equal(new LatentWindow(2, 2, 8, 8), window);

        // A box that with its margin needs more than the canvas less one multiple takes the canvas.
        Assert.Equal(LatentWindow.Canvas(16, 16), LatentWindow.Around(new SubjectBox(8, 8, 112, 112), fixture.Pack, 16, 16));
    }

    [Fact]
    public void Crop_takes_the_window_of_every_channel()
    {
        // Two channels of a 3×4 latent, value = 100·c + 10·y + x.
        var canvas = new float[2 * 3 * 4];
        for (var c = 0; c < 2; c++)
            for (var y = 0; y < 3; y++)
                for (var x = 0; x < 4; x++)
                    canvas[(c * 3 + y) * 4 + x] = 100 * c + 10 * y + x;
        var window = new float[2 * 2 * 2];

        new LatentWindow(1, 1, 2, 2).Crop(canvas, 3, 4, window);

        Assert.Equal([11, 12, 21, 22, 111, 112, 121, 122], window);
    }
}
