namespace PortraitBooth.Testing;

/// <summary>Something a test needs is not on this machine: in CI (<c>CI=true</c>) that fails the test, elsewhere it skips it with the reason.</summary>
internal static class Prerequisites
{
    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <exception cref="Exception">Always: xUnit's fail or skip.</exception>
    public static void Missing(string reason)
    {
        if (InCi) Assert.Fail(reason + "; it is required in CI");
        Assert.Skip(reason);
    }
}
