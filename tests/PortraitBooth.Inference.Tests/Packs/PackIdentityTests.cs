using PortraitBooth.Inference.Packs;
using PortraitBooth.Testing;

namespace PortraitBooth.Inference.Tests.Packs;

/// <summary>The cache ids grains keep computed values under change with every model file the value depends on.</summary>
public sealed class PackIdentityTests(GeneratedPacks packs)
{
    [Theory]
    [InlineData(PackModels.TextEncoder, true)]
    [InlineData(PackModels.Stea, true)]
    [InlineData(PackModels.FaceEncoder, true)] // fused rows are made from φ, which this file computes
    [InlineData(PackModels.Unet, false)]
    [InlineData(PackModels.VaeDecoder, false)]
    public void The_fusion_id_changes_with_each_file_a_fused_row_depends_on_and_no_other(string model, bool changes)
    {
        var manifest = packs.Tiny.Manifest;
        var path = manifest.Models[model].Path;
        var rebuilt = manifest with { Files = new Dictionary<string, string>(manifest.Files) { [path] = new string('0', 64) } };
        Assert.NotEqual(manifest.Files[path], rebuilt.Files[path]);

        var (before, after) = (PackIdentity.FusionId("tiny", manifest), PackIdentity.FusionId("tiny", rebuilt));

        Assert.Equal(changes, before != after);
        Assert.NotEqual(before, PackIdentity.FusionId("other", manifest));
    }
}
