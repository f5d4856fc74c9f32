using PortraitBooth.Inference.Datasets;
using PortraitBooth.Inference.Text;

namespace PortraitBooth.ModelBuilder.Packs;

/// <summary>
/// The CLIP tokenizer every pack the project writes carries (the embedded models/clip-tokenizer files, the
/// generated packs' ids and words), for tools that tokenize without a pack, such as <c>dataset prepare</c>.
/// </summary>
public static class ProjectTokenizer
{
    public static DatasetVocabulary Vocabulary()
    {
        var folder = Directory.CreateTempSubdirectory("portraitbooth-tokenizer-");
        try
        {
            string Extract(string packPath)
            {
                var path = Path.Combine(folder.FullName, Path.GetFileName(packPath));
                File.WriteAllBytes(path, ClipTokenizerFiles.Read(ClipTokenizerFiles.Resources[packPath]));
                return path;
            }
            // The BPE model reads both files when it is built, so the folder can go right after.
            var tokenizer = new ClipTokenizer(Extract(PackConfig.Tokenizer.Vocab), Extract(PackConfig.Tokenizer.Merges), PackConfig.Tokenizer,
                PackConfig.IdentityWords, PackConfig.ExpressionWords);
            return new DatasetVocabulary(tokenizer, PackConfig.Tokenizer, PackConfig.IdentityWords, PackConfig.ExpressionWords);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
