namespace PortraitBooth.Abstractions;

public static class JobSpecs
{
    /// <summary>
    /// Value equality of two requests (records compare lists by reference, and a deserialized spec has new lists): the
    /// job grain refuses a different request under a used job id, the API a different body under an idempotency key.
    /// </summary>
    public static bool Same(JobSpec a, JobSpec b) =>
        a with { IdentityIds = [], Boxes = null, Expressions = null } == b with { IdentityIds = [], Boxes = null, Expressions = null }
        && a.IdentityIds.SequenceEqual(b.IdentityIds)
        && (a.Boxes ?? []).SequenceEqual(b.Boxes ?? [])
        && (a.Expressions ?? []).SequenceEqual(b.Expressions ?? []);

    /// <summary>Image i of a job uses seed + i, so one image of a batch can be reproduced alone.</summary>
    public static IReadOnlyList<ulong> Seeds(JobSpec spec) =>
        Enumerable.Range(0, spec.Count).Select(i => unchecked(spec.Seed + (ulong)i)).ToList();
}
