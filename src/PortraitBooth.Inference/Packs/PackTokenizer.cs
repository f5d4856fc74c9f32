using PortraitBooth.Inference.Text;

namespace PortraitBooth.Inference.Packs;

/// <summary>The CLIP tokenizer a pack ships, with the pack's identity and expression words.</summary>
public static class PackTokenizer
{
    public static ClipTokenizer Create(string directory, PackManifest manifest)
    {
        string PathOf(string relative) => Path.Combine(directory, relative.Replace('/', Path.DirectorySeparatorChar));
        return new ClipTokenizer(PathOf(manifest.Tokenizer.Vocab), PathOf(manifest.Tokenizer.Merges), manifest.Tokenizer,
            manifest.IdentityWords, manifest.ExpressionWords);
    }

    public static ClipTokenizer Create(ModelPack pack) => Create(pack.Directory, pack.Manifest);
}
