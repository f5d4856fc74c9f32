using PortraitBooth.Inference.Randomness;

namespace PortraitBooth.Inference.Datasets;

/// <summary>
/// Splits people (never photos) into train, validation and test with a fixed seed. Test and validation people are
/// drawn only from those with at least two kept photos, so evaluation can condition on one and score against
/// another; everyone else trains.
/// </summary>
public static class PersonSplit
{
    public const string Train = "train";
    public const string Validation = "validation";
    public const string Test = "test";
    public const int MinHeldOutPhotos = 2;

    /// <param name="photosPerPerson">Kept photos per person.</param>
    /// <returns>Person → split.</returns>
    public static IReadOnlyDictionary<string, string> Assign(IReadOnlyDictionary<string, int> photosPerPerson, int seed, int testPeople, int validationPeople)
    {
        var eligible = photosPerPerson.Where(p => p.Value >= MinHeldOutPhotos).Select(p => p.Key).Order(StringComparer.Ordinal).ToList();
        if (testPeople + validationPeople > eligible.Count)
            throw new ArgumentException($"{testPeople} test and {validationPeople} validation people were asked for, but only {eligible.Count} people have {MinHeldOutPhotos} or more usable photos");
        // Fisher–Yates on the project's counter-based generator, so the split is the same on every platform.
        var random = new PhiloxRandom((ulong)seed);
        for (var i = eligible.Count - 1; i > 0; i--)
        {
            var j = (int)(random.NextUniform() * (i + 1));
            (eligible[i], eligible[j]) = (eligible[j], eligible[i]);
        }
        var splits = photosPerPerson.Keys.ToDictionary(p => p, _ => Train, StringComparer.Ordinal);
        foreach (var person in eligible.Take(testPeople)) splits[person] = Test;
        foreach (var person in eligible.Skip(testPeople).Take(validationPeople)) splits[person] = Validation;
        return splits;
    }
}
