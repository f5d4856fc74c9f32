using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using PortraitBooth.Testing;

namespace PortraitBooth.Api.Tests.Hostile;

/// <summary>The real host with every log entry it writes (Warning and above, the fixture's level) kept in memory.</summary>
public sealed class LoggedHostFixture(GeneratedPacks packs, ConvertedFaceModels faceModels) : HostFixture(packs, faceModels)
{
    public LogEntries Logs { get; } = new();

    protected override void Configure(WebApplicationBuilder builder) => builder.Logging.AddProvider(Logs);
}

public sealed record LogEntry(string Category, LogLevel Level, string Message, Exception? Exception);

public sealed class LogEntries : ILoggerProvider
{
    private readonly List<LogEntry> _entries = [];
    private readonly Lock _lock = new();

    public IReadOnlyList<LogEntry> Snapshot()
    {
        lock (_lock) return [.. _entries];
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose() { }

    private sealed class Logger(LogEntries entries, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (entries._lock) entries._entries.Add(new LogEntry(category, logLevel, formatter(state, exception), exception));
        }
    }
}
