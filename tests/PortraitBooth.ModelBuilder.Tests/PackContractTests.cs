using System.Security.Cryptography;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using PortraitBooth.Inference.Packs;
using PortraitBooth.Testing;

namespace PortraitBooth.ModelBuilder.Tests;

/// <summary>Each generated graph honours the manifest: ONNX Runtime loads it, sees the declared IO, and runs it.</summary>
public sealed class PackContractTests(GeneratedPacks packs)
{
    /// <summary>Latent side used for every run: 16 keeps mid's U-Net fast and divides by tiny's and mid's multiple.</summary>
    private const int LatentSide = 16;

    public static TheoryData<string, string> PackModelsCases()
    {
        var cases = new TheoryData<string, string>();
        foreach (var pack in new[] { "tiny", "tiny-fp16", "mid" })
            foreach (var role in PackModels.All) cases.Add(pack, role);
        return cases;
    }

    [Theory]
    [MemberData(nameof(PackModelsCases))]
    public void Graph_loads_with_the_declared_inputs_and_outputs(string packName, string role)
    {
        var spec = packs[packName].Manifest.Models[role];
        using var session = new InferenceSession(packs[packName].ModelPath(role));

        var (inputRoles, outputRoles) = PackModels.Roles[role];
        Assert.Equal(inputRoles, spec.Inputs.Keys);
        Assert.Equal(outputRoles, spec.Outputs.Keys);
        AssertMatches(spec.Inputs.Values, session.InputMetadata);
        AssertMatches(spec.Outputs.Values, session.OutputMetadata);
    }

    [Theory]
    [MemberData(nameof(PackModelsCases))]
    public void Graph_runs_on_declared_shapes_with_finite_order_one_outputs(string packName, string role)
    {
        using var runner = new OnnxModelRunner(packs[packName], role);
        var batch = packName == "mid" ? 1 : 2;
        var dims = OnnxModelRunner.DefaultDims(LatentSide, batch);

        var outputs = runner.Run(runner.MakeInputs(dims));

        foreach (var (outputRole, result) in outputs)
        {
            var declared = runner.Spec.Outputs[outputRole].Shape.Select(d => (long)(d.Size ?? dims[d.Symbol!]));
            Assert.Equal(declared, result.Shape);
            Assert.All(result.Values, v => Assert.True(float.IsFinite(v), $"{packName}/{role}: non-finite output"));
            Assert.InRange(result.Values.Max(MathF.Abs), 1e-3f, 50f);
            Assert.InRange(result.Std, 1e-3, 10.0);
        }
    }

    [Fact]
    public void Tiny_graphs_are_each_under_one_megabyte()
    {
        foreach (var pack in new[] { packs.Tiny, packs.TinyFloat16 })
            foreach (var role in PackModels.All)
                Assert.True(new FileInfo(pack.ModelPath(role)).Length < 1_000_000, $"{pack.Manifest.Name}/{role} is 1 MB or more");
    }

    [Theory]
    [InlineData("tiny")]
    [InlineData("tiny-fp16")]
    [InlineData("mid")]
    public void Pack_json_lists_every_file_with_its_sha256(string packName)
    {
        var pack = packs[packName];
        var onDisk = Directory.EnumerateFiles(pack.Folder, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(pack.Folder, f).Replace(Path.DirectorySeparatorChar, '/'))
            .Where(f => f != PackManifest.FileName)
            .Order(StringComparer.Ordinal);
        Assert.Equal(onDisk, pack.Manifest.Files.Keys.Order(StringComparer.Ordinal));
        foreach (var (path, sha256) in pack.Manifest.Files)
            Assert.Equal(sha256, Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(pack.Folder, path)))));

        var reread = PackManifest.Parse(File.ReadAllText(Path.Combine(pack.Folder, PackManifest.FileName)));
        Assert.Equal(PackManifest.CurrentFormat, reread.Format);
        Assert.Equal(packName, reread.Name);
        Assert.Equal(pack.Manifest.ToJson(), reread.ToJson());
    }

    [Fact]
    public void Tokenizer_files_are_the_repository_files_byte_for_byte()
    {
        foreach (var name in new[] { "vocab.json", "merges.txt" })
            Assert.Equal(File.ReadAllBytes(Path.Combine(SharedData.RepoRoot, "models", "clip-tokenizer", name)),
                File.ReadAllBytes(Path.Combine(packs.Tiny.Folder, "tokenizer", name)));
    }

    [Fact]
    public void Manifest_describes_sizes_and_widths_from_the_configuration()
    {
        var tiny = packs.Tiny.Manifest;
        Assert.Equal(new ImageSizeSpec(128, 128, 32, 64, 512), tiny.Size);
        Assert.Equal(new LatentSpec(4, 0.18215, 8), tiny.Latent);
        Assert.Equal(64, tiny.Face.Width);
        Assert.Equal(new FuseSpec(32, 32, 64), tiny.Stea);
        Assert.Equal(tiny.Stea.TokenWidth, tiny.Models[PackModels.TextEncoder].Outputs["last_hidden_state"].Shape[2]);
        Assert.Equal(tiny.Stea.FaceWidth, tiny.Models[PackModels.FaceEncoder].Outputs["embedding"].Shape[1]);

        var mid = packs.Mid.Manifest;
        Assert.Equal(new ImageSizeSpec(512, 512, 32, 256, 1024), mid.Size);
        Assert.Equal(112, mid.Face.Width);
        Assert.Equal(256, mid.Stea.TokenWidth);
    }

    [Fact]
    public void Expression_words_are_those_of_the_shared_evaluation_prompts()
    {
        var prompts = SharedData.Require("eval", "prompts-expression.txt");
        var words = File.ReadLines(prompts).Where(l => l.Length > 0 && !l.StartsWith('#')).Select(l => l.Split('\t')[0]);
        Assert.Equal(words, packs.Tiny.Manifest.ExpressionWords);
    }

    private static void AssertMatches(IEnumerable<TensorSpec> declared, IReadOnlyDictionary<string, NodeMetadata> actual)
    {
        Assert.Equal(declared.Select(s => s.Name), actual.Keys);
        foreach (var spec in declared)
        {
            var metadata = actual[spec.Name];
            Assert.Equal(ElementType(spec.DType), metadata.ElementDataType);
            Assert.Equal(spec.Shape.Count, metadata.Dimensions.Length);
            for (var i = 0; i < spec.Shape.Count; i++)
            {
                if (spec.Shape[i].Size is { } size) Assert.Equal(size, metadata.Dimensions[i]);
                else Assert.Equal(spec.Shape[i].Symbol, metadata.SymbolicDimensions[i]);
            }
        }
    }

    private static TensorElementType ElementType(string dtype) => dtype switch
    {
        "float32" => TensorElementType.Float,
        "float16" => TensorElementType.Float16,
        "int32" => TensorElementType.Int32,
        "int64" => TensorElementType.Int64,
        _ => throw new ArgumentException(dtype),
    };
}
