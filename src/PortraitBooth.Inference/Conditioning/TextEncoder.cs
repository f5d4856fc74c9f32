using PortraitBooth.Inference.Onnx;
using PortraitBooth.Inference.Packs;

namespace PortraitBooth.Inference.Conditioning;

/// <summary>ψ: the pack's text encoder on one padded row of token ids, giving [MaxLength × TokenWidth].</summary>
public sealed class TextEncoder(ModelPack pack)
{
    public int Length => pack.Manifest.Tokenizer.MaxLength;
    public int Width => pack.Manifest.Stea.TokenWidth;

    public float[] Encode(ReadOnlySpan<int> paddedIds, OnnxTimer? timer = null)
    {
        if (paddedIds.Length != Length)
            throw new ArgumentException($"the text encoder takes {Length} ids, got {paddedIds.Length}");
        var spec = pack.Spec(PackModels.TextEncoder);
        var input = spec.Inputs["input_ids"];
        var output = spec.Outputs["last_hidden_state"];
        using var ids = OrtBuffer.Allocate(input, 1, Length);
        using var hidden = OrtBuffer.Allocate(output, 1, Length, Width);
        if (input.DType == "int64")
            for (var i = 0; i < Length; i++) ids.Int64s[i] = paddedIds[i];
        else
            paddedIds.CopyTo(ids.Int32s);
        OnnxRun.Run(pack.Session(PackModels.TextEncoder), [(input.Name, ids)], [(output.Name, hidden)], timer);
        return hidden.Floats.ToArray();
    }
}
