using System.Collections;
using System.Text.Json;
using System.Text.Json.Nodes;
using PortraitBooth.Inference.Datasets;

namespace PortraitBooth.Inference.Tests.Datasets;

public sealed class DatasetManifestTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("portraitbooth-manifest-");

    [Fact]
    public void A_written_manifest_reads_back_equal()
    {
        var manifest = Example();
        var path = Path.Combine(_folder.FullName, DatasetManifest.FileName);
        manifest.Write(path);

        var read = DatasetManifest.Read(path);

        AssertDeepEqual(manifest, read, "manifest");
        Assert.Equal([path], Directory.GetFiles(_folder.FullName)); // no temporary file left beside it
    }

    /// <summary>The field names of training-contract §1, read with a plain JSON parser rather than the records.</summary>
    [Fact]
    public void Written_field_names_are_the_contracts()
    {
        var path = Path.Combine(_folder.FullName, DatasetManifest.FileName);
        Example().Write(path);
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        var root = json.RootElement;

        AssertKeys(root, "format", "name", "source", "crop", "face_encoder", "identity_words", "expression_words", "tokenizer",
            "split", "counts", "samples", "dropped", "thresholds");
        AssertKeys(root.GetProperty("source"), "path", "description", "licence");
        AssertKeys(root.GetProperty("crop"), "size", "template", "left_eye", "right_eye", "mouth");
        AssertKeys(root.GetProperty("face_encoder"), "alignment", "width", "sha256");
        AssertKeys(root.GetProperty("tokenizer"), "max_length", "bos_id", "eos_id", "pad_id", "empty_prompt_ids");
        AssertKeys(root.GetProperty("split"), "seed", "train_people", "validation_people", "test_people");
        AssertKeys(root.GetProperty("counts"), "photos", "kept", "dropped", "dropped_by_reason");
        var sample = root.GetProperty("samples")[0];
        AssertKeys(sample, "id", "photo", "person", "split", "crop", "mask", "faces_found", "face_box", "detection_score",
            "outside_fraction", "landmarks", "embedding", "gender", "gender_probability", "age", "expressions", "captions", "eye_to_mouth");
        AssertKeys(sample.GetProperty("captions")[0], "text", "ids", "identity_index", "expression_word", "expression_index");
        AssertKeys(root.GetProperty("dropped")[0], "photo", "reason", "detail");

        Assert.Equal("portraitbooth-dataset/1", root.GetProperty("format").GetString());
        Assert.Equal(JsonValueKind.Null, sample.GetProperty("captions")[0].GetProperty("expression_index").ValueKind);
        Assert.Equal(3, sample.GetProperty("captions")[1].GetProperty("expression_index").GetInt32());
        // Dictionary keys are data, not field names: the reasons and expression labels stay as written.
        Assert.Equal(3, root.GetProperty("counts").GetProperty("dropped_by_reason").GetProperty("no face found").GetInt32());
        Assert.Equal(0.9f, sample.GetProperty("expressions").GetProperty("neutral").GetSingle());
        Assert.Equal(68, sample.GetProperty("landmarks").GetArrayLength());
        Assert.Equal(2, sample.GetProperty("landmarks")[0].GetArrayLength());
    }

    [Fact]
    public void A_manifest_that_is_not_one_is_refused_naming_the_problem()
    {
        Assert.Contains("is not a dataset manifest", Assert.Throws<InvalidDataException>(() => DatasetManifest.Parse("{\"format\":")).Message);
        Assert.Contains("format 'portraitbooth-pack/1'", Assert.Throws<InvalidDataException>(() =>
            DatasetManifest.Parse(Example().ToJson().Replace("portraitbooth-dataset/1", "portraitbooth-pack/1"))).Message);
        Assert.Throws<FileNotFoundException>(() => DatasetManifest.Read(Path.Combine(_folder.FullName, "missing.json")));
    }

    [Fact]
    public void A_manifest_of_an_earlier_version_without_some_sections_is_refused_naming_them()
    {
        var json = JsonNode.Parse(Example().ToJson())!.AsObject();
        json.Remove("thresholds");
        json.Remove("face_encoder");
        var message = Assert.Throws<InvalidDataException>(() => DatasetManifest.Parse(json.ToJsonString(), "old.json")).Message;
        Assert.Equal("old.json: missing face_encoder, thresholds", message);
    }

    private static void AssertKeys(JsonElement element, params string[] expected) =>
        Assert.Equal(expected.Order(StringComparer.Ordinal), element.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));

    /// <summary>Hand-written values in the contract's shape: odd floats, a null and a set expression index, nested arrays.</summary>
    private static DatasetManifest Example() => new(
        DatasetManifest.CurrentFormat,
        "faces-celeba-128",
        new DatasetSource("/data/faces-celeba", "faces-celeba — 5,547 in-the-wild photos of 269 people", "CelebA is for non-commercial research use only."),
        new DatasetCrop(128, "portrait-128", [0.383f, 0.39f], [0.617f, 0.39f], [0.5f, 0.66f]),
        new DatasetFaceEncoder("dlib-150", 128, "8ac659f98b356d129c8a5335dbc15c23dad14e6d3c65b9002aa4ed4bee7cc7a6"),
        ["man", "woman"],
        ["happy", "sad", "angry", "surprised", "disgusted", "fearful", "smiling", "laughing", "crying", "neutral", "shocked"],
        new DatasetTokenizer(77, 49406, 49407, 49407, [49406, 49407]),
        new DatasetThresholds(),
        new DatasetSplit(1, 224, 15, 30),
        new DatasetCounts(5547, 5000, 547, new Dictionary<string, int> { ["no face found"] = 3, ["face too small"] = 544 }),
        [
            new DatasetSample("000093", "000093.jpg", "7399", "train", "crops/000093.png", "masks/000093.png", 2,
                [10.5f, 20f, 80.25f, 95.125f], 0.98123f, 0.0125f,
                [.. Enumerable.Range(0, 68).Select(i => new[] { 64f + i / 7f, 50f - i / 3f })],
                [.. Enumerable.Range(0, 128).Select(i => MathF.Sin(i) / 10f)],
                "woman", 0.97f, 28.3f, 41.75f,
                new Dictionary<string, float> { ["neutral"] = 0.9f, ["happy"] = 0.05f, ["sad"] = 0f, ["angry"] = 1e-7f, ["fearful"] = 0f, ["disgusted"] = 0f, ["surprised"] = 0.05f },
                [
                    new DatasetCaption("a photo of a woman", [49406, 320, 1125, 539, 320, 2308, 49407], 5, null, null),
                    new DatasetCaption("a photo of a happy woman", [49406, 320, 1125, 539, 320, 900, 2308, 49407], 6, "happy", 3),
                ]),
        ],
        [new DroppedPhoto("000114.jpg", "no face found"), new DroppedPhoto("000131.jpg", "face too small", "eye-to-mouth 15.5 px, under 20 px")]);

    /// <summary>Records compared member by member, sequences element by element, dictionaries key by key.</summary>
    private static void AssertDeepEqual(object? expected, object? actual, string path)
    {
        if (expected is null || actual is null)
        {
            Assert.True(expected is null && actual is null, $"{path}: {expected ?? "null"} vs {actual ?? "null"}");
            return;
        }
        switch (expected)
        {
            case string or int or float or double or bool:
                Assert.True(expected.Equals(actual), $"{path}: {expected} vs {actual}");
                return;
            case IDictionary dictionary:
                var other = (IDictionary)actual;
                Assert.True(dictionary.Count == other.Count, $"{path}: {dictionary.Count} vs {other.Count} entries");
                foreach (DictionaryEntry entry in dictionary) AssertDeepEqual(entry.Value, other[entry.Key], $"{path}[{entry.Key}]");
                return;
            case IEnumerable sequence:
                var (left, right) = (sequence.Cast<object?>().ToList(), ((IEnumerable)actual).Cast<object?>().ToList());
                Assert.True(left.Count == right.Count, $"{path}: {left.Count} vs {right.Count} items");
                for (var i = 0; i < left.Count; i++) AssertDeepEqual(left[i], right[i], $"{path}[{i}]");
                return;
        }
        foreach (var property in expected.GetType().GetProperties(System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Public).Where(p => p.GetIndexParameters().Length == 0))
            AssertDeepEqual(property.GetValue(expected), property.GetValue(actual), $"{path}.{property.Name}");
    }

    public void Dispose() => _folder.Delete(recursive: true);
}
