using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Pvc.NodeService.Configuration;

namespace Pvc.NodeService.Logging;

/// <summary>
/// The service's logging (PVC's Logger): every line, secrets masked, goes to stdout (journald), the log file and
/// ZooKeeper's node log, as pvc.conf's <c>logging</c> section says. Lines are queued and written by one background
/// writer, so a slow stdout, disk or ZooKeeper never holds up the code that logs.
/// </summary>
internal sealed class NodeLogProvider : ILoggerProvider
{
    private readonly NodeLogSettings _settings;
    private readonly PvcLogFormat _format;
    private readonly Channel<(string Line, bool ToStdout)> _local;
    private readonly Task _writer;

    /// <summary>A provider writing as <paramref name="settings"/> says.</summary>
    public NodeLogProvider(NodeLogSettings settings, SecretRedactor redactor, ZooKeeperLogSink? zooKeeper)
    {
        _settings = settings;
        _format = new PvcLogFormat(settings);
        Redactor = redactor;
        ZooKeeper = zooKeeper;
        File = settings.File ? new LogFile(settings.FilePath) : null;
        _local = Channel.CreateBounded<(string, bool)>(new BoundedChannelOptions(50_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        _writer = Task.Factory.StartNew(WriteLocalAsync, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
    }

    /// <summary>The masks applied to every line.</summary>
    public SecretRedactor Redactor { get; }

    /// <summary>The ZooKeeper sink, when zookeeper_logging is on.</summary>
    public ZooKeeperLogSink? ZooKeeper { get; }

    /// <summary>The log file, when file_logging is on.</summary>
    public LogFile? File { get; }

    /// <summary>The lowest level written.</summary>
    public LogLevel MinimumLevel => _settings.Debug ? LogLevel.Debug : LogLevel.Information;

    /// <inheritdoc/>
    public ILogger CreateLogger(string categoryName) => new NodeLogger(this);

    /// <summary>Formats, masks and queues one message (several lines when it has several).</summary>
    public void Write(LogLevel level, string message)
    {
        var now = DateTime.Now;
        foreach (var line in Redactor.Redact(message).Split('\n'))
        {
            var text = line.TrimEnd('\r');
            if (_settings.Stdout || File is not null)
                _local.Writer.TryWrite((_format.FileLine(level, text, now), _settings.Stdout));
            ZooKeeper?.Enqueue(_format.ZooKeeperLine(level, text, now));
        }
    }

    private async Task WriteLocalAsync()
    {
        await foreach (var (line, toStdout) in _local.Reader.ReadAllAsync())
        {
            try
            {
                if (toStdout)
                    Console.Out.WriteLine(line);
                File?.Write(line);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"pvcnoded: the log file {File?.Path} cannot be written: {e.Message}");
            }
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _local.Writer.TryComplete();
        _writer.Wait(TimeSpan.FromSeconds(2));
        File?.Dispose();
    }

    private sealed class NodeLogger(NodeLogProvider provider) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None && logLevel >= provider.MinimumLevel;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
                return;
            var message = formatter(state, exception);
            if (exception is not null)
                message += $" ({exception.GetType().Name}: {exception.Message})";
            provider.Write(logLevel, message);
        }
    }
}
