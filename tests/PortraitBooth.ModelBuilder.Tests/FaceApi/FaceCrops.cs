using PortraitBooth.Inference.Faces;
using PortraitBooth.Testing;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace PortraitBooth.ModelBuilder.Tests.FaceApi;

/// <summary>
/// Real photo content for the parity checks: a fixed, non-square box of each of face-api's six demo group photos
/// (parity concerns the networks, so any realistic content will do) and two portraits from the shared identities,
/// whole (non-square too, so the centred padding is exercised).
/// </summary>
internal static class FaceCrops
{
    public static List<Image<Rgb24>> Load()
    {
        var crops = new List<Image<Rgb24>>();
        for (var sample = 1; sample <= 6; sample++)
        {
            using var photo = Image.Load<Rgb24>(FaceApiReference.SamplePhoto(sample));
            // A tall box around the upper middle, where the demo photos have people; shifted per photo for variety.
            var box = new Rectangle(photo.Width * (30 + 5 * sample) / 100, photo.Height * 20 / 100, 281, 340);
            crops.Add(photo.Clone(c => c.Crop(box)));
        }
        foreach (var portrait in new[] { ("angelina_jolie", "4.jpg"), ("george_clooney", "1.jpg") })
            crops.Add(Image.Load<Rgb24>(SharedData.Require("data", "identities", portrait.Item1, portrait.Item2)));
        return crops;
    }

    /// <summary>The crops prepared as face-api prepares them (centred square, resized), stacked as one NCHW batch.</summary>
    public static float[] Batch(IEnumerable<Image<Rgb24>> crops, int side) =>
        [.. crops.SelectMany(crop => FaceApiInput.Prepare(crop, side, centred: true).Tensor)];
}
