using PortraitBooth.Abstractions;

namespace PortraitBooth.Grains.Tests;

internal static class Specs
{
    public static JobSpec Of(string tenantId, int count = 1, string prompt = "a photo of a man", params string[] identities) =>
        new(tenantId, "tiny", prompt, "", identities, Seed: 42, Steps: 4, Guidance: 5f, Width: 64, Height: 64, Count: count);

    public static string NewJobId() => $"job-{Guid.NewGuid():N}";

    public static JobResult Result(params string[] keys) => new(keys, 0.5, DateTimeOffset.UtcNow.AddHours(1));
}
