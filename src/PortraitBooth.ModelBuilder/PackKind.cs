namespace PortraitBooth.ModelBuilder;

/// <summary>
/// The generated pack sizes: <see cref="Tiny"/> for tests (every graph under 1 MB), <see cref="Mid"/> for benchmarks
/// of the pipeline, <see cref="Micro"/> for benchmarks of the platform (graphs that cost almost nothing).
/// </summary>
public enum PackKind
{
    Tiny,
    Mid,
    Micro,
}
