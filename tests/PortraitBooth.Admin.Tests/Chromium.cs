using Microsoft.Playwright;
using PortraitBooth.Testing;

namespace PortraitBooth.Admin.Tests;

/// <summary>
/// Debian's Chromium (<c>/usr/bin/chromium</c>, installed by <c>ensure_chromium</c>) driven headless by Playwright's
/// bundled driver; no browser is downloaded. Like the shared data: missing in CI (<c>CI=true</c>) is a failure,
/// elsewhere the browser tests skip.
/// </summary>
public sealed class Chromium : IAsyncLifetime
{
    public const string ExecutablePath = "/usr/bin/chromium";

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    /// <summary>A fresh browser context (its own cookies) on <paramref name="baseAddress"/>; skips or fails without Chromium.</summary>
    public async Task<IBrowserContext> NewContext(Uri baseAddress)
    {
        if (!File.Exists(ExecutablePath))
            Prerequisites.Missing($"Chromium not found at {ExecutablePath} (scripts/lib/prerequisites.sh ensure_chromium installs Debian's package)");
        _playwright ??= await Playwright.CreateAsync();
        _browser ??= await _playwright.Chromium.LaunchAsync(new() { ExecutablePath = ExecutablePath, Headless = true });
        var context = await _browser.NewContextAsync(new() { BaseURL = baseAddress.ToString().TrimEnd('/'), ViewportSize = new() { Width = 1400, Height = 1000 } });
        // A 2-core machine shared with other work: waits are generous, never timings under test.
        context.SetDefaultTimeout(60_000);
        Assertions.SetDefaultExpectTimeout(60_000);
        return context;
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null) await _browser.CloseAsync();
        _playwright?.Dispose();
    }
}
