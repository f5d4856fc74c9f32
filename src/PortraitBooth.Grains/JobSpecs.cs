using PortraitBooth.Abstractions;

namespace PortraitBooth.Grains;

public static class JobSpecs
{
    /// <summary>Value equality (records compare lists by reference, and a deserialized spec is a new list).</summary>
    public static bool Same(JobSpec a, JobSpec b) =>
        a with { IdentityIds = [] } == b with { IdentityIds = [] } && a.IdentityIds.SequenceEqual(b.IdentityIds);

    /// <summary>Image i of a job uses seed + i, so one image of a batch can be reproduced alone.</summary>
    public static IReadOnlyList<ulong> Seeds(JobSpec spec) =>
        Enumerable.Range(0, spec.Count).Select(i => unchecked(spec.Seed + (ulong)i)).ToList();
}
