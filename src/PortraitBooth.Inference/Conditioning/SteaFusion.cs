using PortraitBooth.Inference.Onnx;
using PortraitBooth.Inference.Packs;

namespace PortraitBooth.Inference.Conditioning;

/// <summary>
/// STEA: at each identity-token row of the text-encoder output, c_i is replaced by the pack's fuse MLP applied
/// to [c_i ‖ φ(face_k)]; every other row is left as it is. All rows go through the MLP in one batch.
/// </summary>
public sealed class SteaFusion(ModelPack pack)
{
    private long _runs, _rowsFused;

    /// <summary>Module runs and rows fused so far: caching is measured, not assumed.</summary>
    public long Runs => Interlocked.Read(ref _runs);
    public long RowsFused => Interlocked.Read(ref _rowsFused);

    public void Apply(Span<float> conditioning, IReadOnlyList<int> rows, IReadOnlyList<float[]> faces, OnnxTimer? timer = null)
    {
        if (rows.Count != faces.Count)
            throw new ArgumentException($"{rows.Count} identity rows but {faces.Count} face embeddings");
        if (rows.Count == 0) return;
        var (tokenWidth, faceWidth) = (pack.Manifest.Stea.TokenWidth, pack.Manifest.Stea.FaceWidth);
        var spec = pack.Spec(PackModels.Stea);
        var (tokenSpec, faceSpec, fusedSpec) = (spec.Inputs["token"], spec.Inputs["face"], spec.Outputs["fused"]);
        using var tokens = OrtBuffer.Allocate(tokenSpec, rows.Count, tokenWidth);
        using var faceRows = OrtBuffer.Allocate(faceSpec, rows.Count, faceWidth);
        using var fused = OrtBuffer.Allocate(fusedSpec, rows.Count, tokenWidth);
        for (var k = 0; k < rows.Count; k++)
        {
            if (faces[k].Length != faceWidth)
                throw new ArgumentException($"face embedding {k + 1} has {faces[k].Length} values; this pack's face width is {faceWidth}");
            conditioning.Slice(rows[k] * tokenWidth, tokenWidth).CopyTo(tokens.Floats.Slice(k * tokenWidth));
            faces[k].CopyTo(faceRows.Floats.Slice(k * faceWidth));
        }
        Interlocked.Increment(ref _runs);
        Interlocked.Add(ref _rowsFused, rows.Count);
        OnnxRun.Run(pack.Session(PackModels.Stea),
            [(tokenSpec.Name, tokens), (faceSpec.Name, faceRows)], [(fusedSpec.Name, fused)], timer);
        for (var k = 0; k < rows.Count; k++)
            fused.Floats.Slice(k * tokenWidth, tokenWidth).CopyTo(conditioning.Slice(rows[k] * tokenWidth));
    }
}
