using PortraitBooth.Inference.Datasets;

namespace PortraitBooth.Inference.Tests.Datasets;

public sealed class PersonSplitTests
{
    /// <summary>100 people with 1–5 photos each (every fifth person has one).</summary>
    private static readonly Dictionary<string, int> People = Enumerable.Range(0, 100).ToDictionary(i => $"p{i:D3}", i => 1 + i % 5);

    [Fact]
    public void The_same_seed_gives_the_same_split_and_another_seed_another()
    {
        var first = PersonSplit.Assign(People, seed: 1, testPeople: 30, validationPeople: 15);
        Assert.Equal(first, PersonSplit.Assign(People, seed: 1, testPeople: 30, validationPeople: 15));
        Assert.NotEqual(first, PersonSplit.Assign(People, seed: 2, testPeople: 30, validationPeople: 15));
    }

    [Fact]
    public void Every_person_is_in_exactly_one_split_and_held_out_people_have_two_photos_or_more()
    {
        var split = PersonSplit.Assign(People, seed: 7, testPeople: 30, validationPeople: 15);

        Assert.Equal(People.Keys.Order(), split.Keys.Order());
        Assert.Equal(30, split.Values.Count(s => s == PersonSplit.Test));
        Assert.Equal(15, split.Values.Count(s => s == PersonSplit.Validation));
        Assert.Equal(55, split.Values.Count(s => s == PersonSplit.Train));
        Assert.All(split.Where(p => p.Value != PersonSplit.Train), p => Assert.True(People[p.Key] >= 2, $"{p.Key} has {People[p.Key]} photo"));
        // Drawn at random, not the first names in order.
        Assert.NotEqual(People.Keys.Where(p => People[p] >= 2).Take(30).Order(), split.Where(p => p.Value == PersonSplit.Test).Select(p => p.Key).Order());
    }

    [Fact]
    public void Asking_for_more_held_out_people_than_qualify_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => PersonSplit.Assign(People, seed: 1, testPeople: 70, validationPeople: 15));
        Assert.Contains("only 80 people have 2 or more usable photos", error.Message);
    }
}
