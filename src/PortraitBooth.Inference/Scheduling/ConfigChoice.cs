namespace PortraitBooth.Inference.Scheduling;

/// <summary>Maps a string setting of a <see cref="Packs.SchedulerConfig"/> to its meaning, or says what is allowed.</summary>
internal static class ConfigChoice
{
    public static T Parse<T>(string value, string setting, IReadOnlyDictionary<string, T> choices) =>
        choices.TryGetValue(value, out var choice)
            ? choice
            : throw new ArgumentException(
                $"scheduler {setting} '{value}' is not supported; supported: {string.Join(", ", choices.Keys)}",
                "config");
}
