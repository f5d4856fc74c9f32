namespace PortraitBooth.ModelBuilder;

/// <summary>The generated pack sizes: <see cref="Tiny"/> for tests (every graph under 1 MB), <see cref="Mid"/> for benchmarks.</summary>
public enum PackKind
{
    Tiny,
    Mid,
}
