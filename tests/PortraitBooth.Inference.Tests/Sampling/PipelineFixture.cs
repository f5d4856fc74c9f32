using PortraitBooth.Inference.Faces;
using PortraitBooth.Inference.Packs;
using PortraitBooth.Inference.Sampling;
using PortraitBooth.Testing;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace PortraitBooth.Inference.Tests.Sampling;

/// <summary>Opened tiny packs (float32 and float16 edges, same seed) with their pipelines, shared by a test class.</summary>
public sealed class PipelineFixture : IDisposable
{
    public PipelineFixture(GeneratedPacks packs)
    {
        Pack = ModelPack.Open(packs.Tiny.Folder);
        Pipeline = new PortraitPipeline(Pack, PackTokenizer.Create(Pack));
        Float16Pack = ModelPack.Open(packs.TinyFloat16.Folder);
        Float16Pipeline = new PortraitPipeline(Float16Pack, PackTokenizer.Create(Float16Pack));
        Embedder = new FaceEmbedder(Pack, new CenterCropFaceInput());
    }

    public ModelPack Pack { get; }
    public PortraitPipeline Pipeline { get; }
    public ModelPack Float16Pack { get; }
    public PortraitPipeline Float16Pipeline { get; }
    public FaceEmbedder Embedder { get; }

    /// <summary>A smooth synthetic photo whose colours depend on <paramref name="variant"/>.</summary>
    public static Image<Rgb24> SyntheticPhoto(int variant)
    {
        var image = new Image<Rgb24>(96, 120);
        image.ProcessPixelRows(rows =>
        {
            for (var y = 0; y < rows.Height; y++)
            {
                var row = rows.GetRowSpan(y);
                for (var x = 0; x < row.Length; x++)
                    row[x] = new Rgb24((byte)(x * 2 + variant * 40), (byte)(y * 2), (byte)((x + y + variant * 90) % 256));
            }
        });
        return image;
    }

    public float[] SyntheticFace(int variant)
    {
        using var photo = SyntheticPhoto(variant);
        return Embedder.Embed(photo).Values;
    }

    public GenerationRequest Request(string prompt, params float[][] faces) => new()
    {
        Prompt = prompt,
        Faces = faces,
        Seed = 7,
        Steps = 12,
        Guidance = 5f,
        Width = Pack.Manifest.Size.DefaultWidth,
        Height = Pack.Manifest.Size.DefaultHeight,
    };

    public void Dispose()
    {
        Pack.Dispose();
        Float16Pack.Dispose();
    }
}
