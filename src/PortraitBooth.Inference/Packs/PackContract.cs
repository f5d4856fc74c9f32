using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using PortraitBooth.Inference.Sampling;

namespace PortraitBooth.Inference.Packs;

/// <summary>Checks a manifest for completeness and each ONNX session against what the manifest declares.</summary>
public static class PackContract
{
    public static void CheckManifest(PackManifest manifest)
    {
        if (manifest.Format != PackManifest.CurrentFormat)
            throw new PackException($"pack.json: format '{manifest.Format}' is not supported (expected '{PackManifest.CurrentFormat}')");
        foreach (var model in PackModels.All)
        {
            if (!manifest.Models.TryGetValue(model, out var spec))
                throw new PackException($"pack.json: model '{model}' is missing");
            var (inputs, outputs) = PackModels.Roles[model];
            foreach (var role in inputs)
                if (!spec.Inputs.ContainsKey(role))
                    throw new PackException($"pack.json: model '{model}' does not declare its '{role}' input");
            foreach (var role in outputs)
                if (!spec.Outputs.ContainsKey(role))
                    throw new PackException($"pack.json: model '{model}' does not declare its '{role}' output");
        }
        var timestep = manifest.Models[PackModels.Unet].Inputs["timestep"];
        if (timestep.DType is not ("float32" or "float16" or "int64"))
            throw new PackException($"pack.json: the U-Net's timestep must be float32, float16 or int64, not {timestep.DType}");
        PackShapes.CheckDTypes(manifest);
        if (manifest.Size.Multiple <= 0 || manifest.Size.Multiple % manifest.Latent.VaeScale != 0)
            throw new PackException($"pack.json: size.multiple {manifest.Size.Multiple} must be a positive multiple of latent.vae_scale {manifest.Latent.VaeScale}");
        CheckPixelRange(manifest.Vae);
        CheckDefaults(manifest);
        if (manifest.Card?.Readme is { } readme && !manifest.Files.ContainsKey(readme))
            throw new PackException($"pack.json: card.readme '{readme}' is not in its file list");
    }

    private static void CheckPixelRange(VaeSpec? vae)
    {
        if (vae?.PixelRange is not { } range) return;
        if (range is not [var low, var high] || !double.IsFinite(low) || !double.IsFinite(high))
            throw new PackException($"pack.json: vae.pixel_range must be two finite numbers [lo, hi], got [{string.Join(", ", range.Select(Number))}]");
        if (low >= high)
            throw new PackException($"pack.json: vae.pixel_range [{Number(low)}, {Number(high)}] must have lo < hi");
    }

    private static string Number(double value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The resolved defaults (pack.json's, else the global ones and size.default_*) obey the request limits.</summary>
    private static void CheckDefaults(PackManifest manifest)
    {
        var defaults = manifest.SamplingDefaults;
        try
        {
            RequestLimits.CheckSampling(defaults.Steps, defaults.Guidance, defaults.Width, defaults.Height, manifest.Size);
        }
        catch (InvalidRequestException e)
        {
            var section = manifest.Defaults is null ? "size.default_*" : "defaults";
            throw new PackException($"pack.json: {section}: the default {e.Message}", e);
        }
    }

    public static void CheckSession(ModelSpec spec, InferenceSession session)
    {
        Check(spec.Path, "input", spec.Inputs.Values, session.InputMetadata);
        Check(spec.Path, "output", spec.Outputs.Values, session.OutputMetadata);
    }

    private static void Check(string file, string kind, IEnumerable<TensorSpec> declared, IReadOnlyDictionary<string, NodeMetadata> actual)
    {
        foreach (var tensor in declared)
        {
            if (!actual.TryGetValue(tensor.Name, out var metadata))
                throw new PackException(
                    $"{file}: {kind} '{tensor.Name}' is declared in pack.json but the graph has only [{string.Join(", ", actual.Keys)}]");
            var graphShape = Describe(metadata);
            if (!Matches(tensor, metadata))
                throw new PackException(
                    $"{file}: {kind} '{tensor.Name}' is {tensor} in pack.json but {graphShape} in the graph");
        }
    }

    /// <summary>A symbolic dim on either side matches anything; two fixed dims must be equal.</summary>
    private static bool Matches(TensorSpec tensor, NodeMetadata metadata)
    {
        if (!metadata.IsTensor || DTypeName(metadata.ElementDataType) != tensor.DType) return false;
        if (metadata.Dimensions.Length != tensor.Shape.Count) return false;
        for (var i = 0; i < tensor.Shape.Count; i++)
        {
            var graphDim = metadata.Dimensions[i];
            if (tensor.Shape[i].Size is { } size && graphDim > 0 && graphDim != size) return false;
        }
        return true;
    }

    public static string Describe(NodeMetadata metadata)
    {
        var dims = metadata.Dimensions.Select((d, i) =>
            d > 0 ? d.ToString() : string.IsNullOrEmpty(metadata.SymbolicDimensions[i]) ? "?" : metadata.SymbolicDimensions[i]);
        return $"{DTypeName(metadata.ElementDataType)}[{string.Join(",", dims)}]";
    }

    public static string DTypeName(TensorElementType type) => type switch
    {
        TensorElementType.Float => "float32",
        TensorElementType.Float16 => "float16",
        TensorElementType.Int32 => "int32",
        TensorElementType.Int64 => "int64",
        _ => type.ToString().ToLowerInvariant(),
    };
}
