using PortraitBooth.Inference.Evaluation;

namespace PortraitBooth.Inference.Tests.Evaluation;

public sealed class SubjectMatchingTests
{
    [Fact]
    public void Greedy_takes_the_highest_pair_first_even_where_another_reference_prefers_that_face()
    {
        // Reference 1 prefers face 0 (0.85) but reference 0 holds it with 0.9; reference 1 gets face 1.
        var matches = SubjectMatching.Greedy([[0.9f, 0.8f], [0.85f, 0.1f]]);
        Assert.Equal([new SubjectMatch(0, 0, 0.9f), new SubjectMatch(1, 1, 0.1f)], matches);
    }

    [Fact]
    public void References_without_a_face_left_get_none_and_zero()
    {
        Assert.Equal([new SubjectMatch(0, -1, 0f), new SubjectMatch(1, 0, 0.4f)], SubjectMatching.Greedy([[0.2f], [0.4f]]));
        Assert.Equal([new SubjectMatch(0, -1, 0f)], SubjectMatching.Greedy([[]]));
    }
}
