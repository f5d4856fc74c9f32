using PortraitBooth.Inference.Conditioning;
using PortraitBooth.Inference.Packs;

namespace PortraitBooth.Inference.Tests.Sampling;

public sealed class ConditioningTests(PipelineFixture fixture) : IClassFixture<PipelineFixture>
{
    [Fact]
    public void Between_two_faces_only_the_identity_token_rows_differ()
    {
        var builder = new ConditioningBuilder(fixture.Pack, fixture.Pipeline.Tokenizer);
        const string prompt = "a photo of a man and a woman at the beach";
        var one = builder.Build(prompt, [fixture.SyntheticFace(1), fixture.SyntheticFace(2)]);
        var other = builder.Build(prompt, [fixture.SyntheticFace(3), fixture.SyntheticFace(4)]);

        var identityRows = one.Prompt.IdentityTokens.Select(t => t.Index).ToHashSet();
        Assert.Equal(2, identityRows.Count);
        var width = fixture.Pack.Manifest.Stea.TokenWidth;
        for (var row = 0; row < fixture.Pack.Manifest.Tokenizer.MaxLength; row++)
        {
            var same = one.Values.AsSpan(row * width, width).SequenceEqual(other.Values.AsSpan(row * width, width));
            Assert.True(same != identityRows.Contains(row), $"row {row}: identity row {identityRows.Contains(row)}, equal {same}");
        }
    }

    [Theory]
    [InlineData("a photo of a lighthouse at dusk")]
    [InlineData("a photo of a man at dusk")]
    public void With_no_identity_the_conditioning_equals_the_plain_text_encoder_output(string prompt)
    {
        var builder = new ConditioningBuilder(fixture.Pack, fixture.Pipeline.Tokenizer);
        var conditioning = builder.Build(prompt, []);
        var plain = new TextEncoder(fixture.Pack).Encode(
            fixture.Pipeline.Tokenizer.Tokenize(prompt).ToPadded(fixture.Pack.Manifest.Tokenizer));
        Assert.Equal(plain, conditioning.Values);
    }

    [Fact]
    public void The_fused_row_is_the_fuse_module_applied_to_the_text_row_and_the_face()
    {
        var builder = new ConditioningBuilder(fixture.Pack, fixture.Pipeline.Tokenizer);
        const string prompt = "a photo of a man";
        var face = fixture.SyntheticFace(5);
        var fused = builder.Build(prompt, [face]);
        var plain = builder.Build(prompt, []);
        var row = fused.Prompt.IdentityTokens.Single().Index;
        var width = fixture.Pack.Manifest.Stea.TokenWidth;
        var expected = plain.Values.ToArray();
        new SteaFusion(fixture.Pack).Apply(expected, [row], [face]);
        Assert.False(plain.Values.AsSpan(row * width, width).SequenceEqual(fused.Values.AsSpan(row * width, width)));
        Assert.Equal(expected, fused.Values);
    }

    [Theory]
    [InlineData("a photo of a lighthouse", 1, "has 0 identity tokens (none) but 1 face was given")]
    [InlineData("a photo of a man", 2, "has 1 identity token ('man' at 5) but 2 faces were given")]
    [InlineData("a man and a woman", 1, "has 2 identity tokens ('man' at 2, 'woman' at 5) but 1 face was given")]
    public void A_face_count_that_differs_from_the_identity_tokens_is_refused(string prompt, int faces, string message)
    {
        var builder = new ConditioningBuilder(fixture.Pack, fixture.Pipeline.Tokenizer);
        var embeddings = Enumerable.Range(0, faces).Select(fixture.SyntheticFace).ToList();
        var error = Assert.Throws<IdentityCountException>(() => builder.Build(prompt, embeddings));
        Assert.Contains(message, error.Message);
    }
}
