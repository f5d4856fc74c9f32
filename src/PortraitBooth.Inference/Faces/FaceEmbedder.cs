using System.Diagnostics;
using PortraitBooth.Inference.Diagnostics;
using PortraitBooth.Inference.Onnx;
using PortraitBooth.Inference.Packs;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace PortraitBooth.Inference.Faces;

/// <summary>φ(face) of a photo's largest face, where that face is in the photo, and how many faces the photo held.</summary>
public sealed record FaceEmbedding(float[] Values, int FacesFound, RectangleF FaceBox);

/// <summary>φ(face): the pack's face encoder applied to the face input of a photo.</summary>
public sealed class FaceEmbedder(ModelPack pack, IFaceInput faceInput)
{
    private long _runs;

    /// <summary>Face encoder runs so far (a cached φ runs none).</summary>
    public long Runs => Interlocked.Read(ref _runs);

    public FaceEmbedding Embed(Image<Rgb24> photo, string photoName = "photo")
    {
        using var activity = InferenceTelemetry.Source.StartActivity("face analysis");
        var start = Stopwatch.GetTimestamp();
        var preprocessing = pack.Manifest.Face;
        var (face, facesFound, faceBox) = faceInput.Prepare(photo, photoName, preprocessing);
        var spec = pack.Spec(PackModels.FaceEncoder);
        var input = spec.Inputs["face"];
        var output = spec.Outputs["embedding"];
        using var inputBuffer = OrtBuffer.Allocate(input, 1, 3, preprocessing.Height, preprocessing.Width);
        using var outputBuffer = OrtBuffer.Allocate(output, 1, pack.Manifest.Stea.FaceWidth);
        face.CopyTo(inputBuffer.Floats);
        Interlocked.Increment(ref _runs);
        OnnxRun.Run(pack.Session(PackModels.FaceEncoder), [(input.Name, inputBuffer)], [(output.Name, outputBuffer)]);
        InferenceTelemetry.FaceAnalysisDuration.Record(Stopwatch.GetElapsedTime(start).TotalSeconds, InferenceTelemetry.Pack(pack.Manifest.Name));
        return new FaceEmbedding(outputBuffer.Floats.ToArray(), facesFound, faceBox);
    }
}
