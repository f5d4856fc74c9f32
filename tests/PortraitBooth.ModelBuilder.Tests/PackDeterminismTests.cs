using PortraitBooth.Testing;
using PortraitBooth.Inference.Packs;

namespace PortraitBooth.ModelBuilder.Tests;

public sealed class PackDeterminismTests(GeneratedPacks packs)
{
    [Fact]
    public void Same_seed_gives_byte_identical_files()
    {
        var again = packs.Generate(PackKind.Tiny, float16: false, GeneratedPacks.Seed);

        foreach (var path in packs.Tiny.Manifest.Files.Keys.Append(PackManifest.FileName))
            Assert.Equal(File.ReadAllBytes(Path.Combine(packs.Tiny.Folder, path)), File.ReadAllBytes(Path.Combine(again.Folder, path)));
    }

    [Fact]
    public void Different_seed_changes_every_graph()
    {
        var other = packs.Generate(PackKind.Tiny, float16: false, GeneratedPacks.Seed + 1);

        foreach (var role in PackModels.All)
            Assert.NotEqual(packs.Tiny.Manifest.Files[$"{role}/model.onnx"], other.Manifest.Files[$"{role}/model.onnx"]);
        Assert.Equal(packs.Tiny.Manifest.Files["tokenizer/vocab.json"], other.Manifest.Files["tokenizer/vocab.json"]);
    }

    [Fact]
    public void Refuses_a_non_empty_folder_and_leaves_no_staging_folder_behind()
    {
        // A parent of its own: other tests generate packs (with staging folders) beside the shared ones concurrently.
        var parent = packs.NewFolder("isolated");
        var folder = Path.Combine(parent, "occupied");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "keep.txt"), "mine");

        Assert.Throws<IOException>(() => PackGenerator.Create(PackKind.Tiny, false, folder, 3));

        Assert.Equal(["keep.txt"], Directory.EnumerateFileSystemEntries(folder).Select(Path.GetFileName));
        Assert.Empty(Directory.EnumerateDirectories(parent, "*.partial-*"));
    }

    [Fact]
    public void Generates_into_an_existing_empty_folder()
    {
        var folder = packs.NewFolder("empty");
        Directory.CreateDirectory(folder);

        PackGenerator.Create(PackKind.Tiny, true, folder, 4);

        Assert.True(File.Exists(Path.Combine(folder, PackManifest.FileName)));
    }
}
