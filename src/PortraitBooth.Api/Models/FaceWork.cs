using Microsoft.Extensions.Options;
using PortraitBooth.Inference.Faces;
using PortraitBooth.Inference.Images;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Processing;

namespace PortraitBooth.Api.Models;

/// <summary>What an upload yields: the photo to store, the largest face, and φ for the default pack's encoder.</summary>
public sealed record AnalyzedUpload(byte[] StoredJpeg, float[] FaceBox, int FacesFound, string FaceEncoderId, float[] Embedding);

/// <summary>
/// The face work of an upload, on the API's CPU: decode under <see cref="ImageDecoding"/>'s limits, scale down to the
/// stored size, compute φ of the largest face with the default pack's face encoder (<see cref="FaceEmbedder"/> with
/// <see cref="AlignedFaceInput"/>, which detects and aligns it once and reports its box), and re-encode the photo. The face box is in the
/// stored photo's pixels. At most <see cref="PortraitBoothApiOptions.MaxConcurrentFaceWork"/> uploads run at once.
/// </summary>
public sealed class FaceWork(PackRegistry packs, IOptions<PortraitBoothApiOptions> options)
{
    private readonly SemaphoreSlim _slots = new(options.Value.MaxConcurrentFaceWork > 0 ? options.Value.MaxConcurrentFaceWork : Environment.ProcessorCount);

    public async Task<AnalyzedUpload> Analyze(byte[] bytes, string name, CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken);
        try
        {
            return await Task.Run(() => AnalyzeNow(bytes, name), cancellationToken);
        }
        finally
        {
            _slots.Release();
        }
    }

    private AnalyzedUpload AnalyzeNow(byte[] bytes, string name)
    {
        var settings = options.Value;
        var limits = ImageDecodingLimits.Default with
        {
            MaxBytes = settings.MaxUploadBytes, MaxPixels = settings.MaxUploadPixels, MaxMemoryBytes = settings.MaxUploadMemoryBytes,
        };
        using var photo = ImageDecoding.DecodeRgb(bytes, name, limits);
        var longest = Math.Max(photo.Width, photo.Height);
        if (longest > settings.MaxPhotoSide)
        {
            var scale = (double)settings.MaxPhotoSide / longest;
            photo.Mutate(x => x.Resize(Math.Max(1, (int)Math.Round(photo.Width * scale)), Math.Max(1, (int)Math.Round(photo.Height * scale))));
        }

        var pack = packs.Default;
        var embedding = pack.Embedder.Embed(photo, name);

        using var stored = new MemoryStream();
        photo.Save(stored, ImageEncoding.StoredPhoto);
        var face = embedding.FaceBox;
        float[] box = [face.X, face.Y, face.Width, face.Height];
        return new AnalyzedUpload(stored.ToArray(), box, embedding.FacesFound, pack.FaceEncoderId, embedding.Values);
    }
}
