using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Pvc.NodeService.Tests;

/// <summary>A logger that keeps every line it is given, formatted, for a test to look at.</summary>
internal sealed class LineLogger : ILogger
{
    /// <summary>The lines so far, oldest first.</summary>
    public ConcurrentQueue<(LogLevel Level, string Text)> Lines { get; } = new();

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Lines.Enqueue((logLevel, formatter(state, exception)));
}
