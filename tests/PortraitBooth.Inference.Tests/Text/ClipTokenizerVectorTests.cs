using System.Text.Json;
using PortraitBooth.Testing;

namespace PortraitBooth.Inference.Tests.Text;

/// <summary>shared/data/clip-tokenizer/test_vectors.json: ids from the OpenAI reference implementation.</summary>
public sealed class ClipTokenizerVectorTests
{
    private const int CaseCount = 24;

    public static TheoryData<int> CaseIndices => new(Enumerable.Range(0, CaseCount));

    [Fact]
    public void TheVectorFileHasExactlyTheCasesTheTheoryCovers() =>
        Assert.Equal(CaseCount, LoadCases().Length);

    [Theory]
    [MemberData(nameof(CaseIndices))]
    public void TokenizeMatchesTheReferenceIds(int caseIndex)
    {
        var (text, expected) = LoadCases()[caseIndex];

        var actual = ClipTokenizerSetup.Tokenizer.Tokenize(text).Ids;

        Assert.True(expected.SequenceEqual(actual),
            $"case {caseIndex} \"{text}\": expected [{string.Join(", ", expected)}], got [{string.Join(", ", actual)}]");
    }

    private static (string Text, int[] Ids)[] LoadCases()
    {
        var path = SharedData.Require("data", "clip-tokenizer", "test_vectors.json");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.GetProperty("cases").EnumerateArray()
            .Select(c => (c.GetProperty("text").GetString()!,
                          c.GetProperty("ids").EnumerateArray().Select(id => id.GetInt32()).ToArray()))
            .ToArray();
    }
}
