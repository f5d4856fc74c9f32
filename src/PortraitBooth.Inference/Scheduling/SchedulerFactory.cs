using PortraitBooth.Inference.Packs;

namespace PortraitBooth.Inference.Scheduling;

/// <summary>Builds the scheduler a pack's <see cref="SchedulerConfig"/> names. A new scheduler is one more entry here.</summary>
public static class SchedulerFactory
{
    // Our own name and diffusers' class name (scheduler_config.json's "_class_name"), so either config style works.
    private static readonly Dictionary<string, Func<SchedulerConfig, int, IDiffusionScheduler>> ByType =
        new(StringComparer.OrdinalIgnoreCase)
        {
            ["euler_discrete"] = (config, steps) => new EulerDiscreteScheduler(config, steps),
            ["EulerDiscreteScheduler"] = (config, steps) => new EulerDiscreteScheduler(config, steps),
        };

    public static IReadOnlyCollection<string> SupportedTypes => ByType.Keys;

    /// <exception cref="ArgumentException">Unknown scheduler type or an unsupported setting.</exception>
    public static IDiffusionScheduler Create(SchedulerConfig config, int steps)
    {
        ArgumentNullException.ThrowIfNull(config);
        return ByType.TryGetValue(config.Type, out var create)
            ? create(config, steps)
            : throw new ArgumentException(
                $"scheduler type '{config.Type}' is not supported; supported: {string.Join(", ", ByType.Keys)}",
                nameof(config));
    }
}
