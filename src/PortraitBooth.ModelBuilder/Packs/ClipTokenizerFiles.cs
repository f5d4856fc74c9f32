namespace PortraitBooth.ModelBuilder.Packs;

/// <summary>The CLIP BPE files of models/clip-tokenizer, embedded in this assembly and copied unchanged into packs.</summary>
internal static class ClipTokenizerFiles
{
    /// <summary>Pack-relative path → embedded resource name.</summary>
    public static readonly IReadOnlyDictionary<string, string> Resources = new Dictionary<string, string>
    {
        [PackConfig.Tokenizer.Vocab] = "PortraitBooth.ModelBuilder.clip-tokenizer.vocab.json",
        [PackConfig.Tokenizer.Merges] = "PortraitBooth.ModelBuilder.clip-tokenizer.merges.txt",
    };

    public static byte[] Read(string resourceName)
    {
        using var stream = typeof(ClipTokenizerFiles).Assembly.GetManifestResourceStream(resourceName)
            ?? throw new InvalidOperationException($"embedded resource {resourceName} is missing from the build");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }
}
