using System.Security.Cryptography;
using PortraitBooth.Inference.Images;
using PortraitBooth.Inference.Packs;
using PortraitBooth.ModelBuilder.Networks;
using PortraitBooth.ModelBuilder.Onnx;
using PortraitBooth.ModelBuilder.Packs;

namespace PortraitBooth.ModelBuilder;

/// <summary>
/// Writes a complete model pack (pack.json, tokenizer files, six ONNX graphs) with SD 1.5's ONNX contract and
/// untrained, seed-determined weights: the same seed gives byte-identical files.
/// </summary>
public static class PackGenerator
{
    public const string Version = "1.0.0";

    private static readonly IReadOnlyList<(string Role, Action<Layers, PackConfig> Build)> Networks =
    [
        (PackModels.TextEncoder, TextEncoderNetwork.Build),
        (PackModels.Unet, UNetNetwork.Build),
        (PackModels.VaeDecoder, VaeDecoderNetwork.Build),
        (PackModels.VaeEncoder, VaeEncoderNetwork.Build),
        (PackModels.FaceEncoder, FaceEncoderNetwork.Build),
        (PackModels.Stea, SteaNetwork.Build),
    ];

    /// <summary>
    /// Generates the pack into <paramref name="outputDirectory"/>, which must be absent or empty. Everything is
    /// written to a sibling staging folder first and moved into place at the end, so a half-written pack never
    /// sits at the target path.
    /// </summary>
    /// <param name="float16">Float graph inputs and outputs become float16 (weights and compute stay float32).</param>
    /// <returns>The manifest written as pack.json.</returns>
    public static PackManifest Create(PackKind kind, bool float16, string outputDirectory, ulong seed)
    {
        var config = PackConfig.For(kind);
        var target = Path.GetFullPath(outputDirectory);
        if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any())
            throw new IOException($"{target} is not empty; a pack is only generated into a new or empty folder");

        var staging = $"{target}.partial-{Guid.NewGuid():N}";
        try
        {
            var manifest = WritePack(config, float16, staging, seed);
            if (Directory.Exists(target)) Directory.Delete(target);
            Directory.Move(staging, target);
            return manifest;
        }
        catch
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
            throw;
        }
    }

    private static PackManifest WritePack(PackConfig config, bool float16, string folder, ulong seed)
    {
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var models = new Dictionary<string, ModelSpec>();
        foreach (var (role, build) in Networks)
        {
            var graph = new OnnxGraphBuilder(role, float16);
            build(new Layers(graph, WeightInitializer.For(seed, role)), config);
            var path = $"{role}/model.onnx";
            WriteFile(folder, path, graph.ToBytes(), files);
            models.Add(role, new ModelSpec(path, graph.Inputs, graph.Outputs));
        }
        foreach (var (path, resource) in ClipTokenizerFiles.Resources)
            WriteFile(folder, path, ClipTokenizerFiles.Read(resource), files);

        var manifest = Describe(config, float16, seed, models, files);
        File.WriteAllText(Path.Combine(folder, PackManifest.FileName), manifest.ToJson());
        return manifest;
    }

    private static PackManifest Describe(PackConfig config, bool float16, ulong seed,
        IReadOnlyDictionary<string, ModelSpec> models, IReadOnlyDictionary<string, string> files)
    {
        var face = config.Face;
        var size = config.DefaultImageSize;
        return new PackManifest
        {
            Format = PackManifest.CurrentFormat,
            Name = float16 ? $"{config.Name}-fp16" : config.Name,
            Version = Version,
            Latent = new LatentSpec(PackConfig.LatentChannels, PackConfig.ScalingFactor, VaeConfig.Scale),
            Size = new ImageSizeSpec(config.DefaultImageSize, config.DefaultImageSize, config.ImageMultiple,
                config.MinImageSize, config.MaxImageSize),
            Scheduler = PackConfig.Scheduler,
            Tokenizer = PackConfig.Tokenizer,
            IdentityWords = PackConfig.IdentityWords,
            ExpressionWords = PackConfig.ExpressionWords,
            Face = new FacePreprocessing(face.InputSize, face.InputSize, "arcface-112",
                [0.5f, 0.5f, 0.5f], [0.5f, 0.5f, 0.5f], "rgb"),
            Stea = new FuseSpec(config.Text.Width, face.EmbeddingWidth, config.SteaHiddenWidth),
            Models = models,
            Files = files,
            // Written out although they equal the defaults of a pack.json without them: the generated packs are the
            // format's examples. SD's pixel range: the decoder ends in Tanh.
            Vae = new VaeSpec([PixelRange.Symmetric.Low, PixelRange.Symmetric.High]),
            Defaults = new DefaultsSpec(PackDefaults.GlobalSteps, PackDefaults.GlobalGuidance, size, size),
            Card = Card(config, float16, seed),
        };
    }

    private static ModelCard Card(PackConfig config, bool float16, ulong seed) => new(
        Description: $"Generated by PortraitBooth (portraitbooth pack create --kind {config.Name}{(float16 ? " --float16" : "")} --seed {seed}): " +
            "the SD-1.5 ONNX contract at small widths with generated, untrained weights drawn from the seed. Its images are noise-like.",
        TrainingData: "none: generated, untrained weights",
        Licence: "PortraitBooth's own (generated by the project; no third-party weights or data). The tokenizer files are " +
            "OpenAI CLIP's BPE vocabulary and merges (MIT, see models/clip-tokenizer).",
        Prompts: "any prompt tokenizes (CLIP BPE, 77 tokens, identity words man/woman and the expression words), " +
            "but the untrained weights follow none of it",
        Readme: null);

    private static void WriteFile(string folder, string relativePath, byte[] bytes, IDictionary<string, string> files)
    {
        var path = Path.Combine(folder, relativePath.Replace('/', Path.DirectorySeparatorChar));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        files.Add(relativePath, Convert.ToHexStringLower(SHA256.HashData(bytes)));
    }
}
