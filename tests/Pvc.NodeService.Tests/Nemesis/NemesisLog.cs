using System.Diagnostics;
using System.Globalization;

namespace Pvc.NodeService.Tests.Nemesis;

/// <summary>
/// The run's own log: one line per fault, client operation, overlap and phase, stamped with the time since the run
/// began and the wall clock (to line up with the node services' logs), kept in memory and written through to a file.
/// </summary>
internal sealed class NemesisLog : IDisposable
{
    private readonly Lock _lock = new();
    private readonly List<string> _lines = [];
    private readonly StreamWriter _file;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Action<string>? _echo;
    private bool _closed;

    /// <summary>A log written to <paramref name="path"/>, each line also given to <paramref name="echo"/>.</summary>
    public NemesisLog(string path, Action<string>? echo = null)
    {
        Path = path;
        _file = new StreamWriter(path) { AutoFlush = true };
        _echo = echo;
    }

    /// <summary>The file the lines go to.</summary>
    public string Path { get; }

    /// <summary>Time since the log began (the run's clock).</summary>
    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>Adds a line.</summary>
    public void Line(string text)
    {
        var line = string.Create(CultureInfo.InvariantCulture, $"{_clock.Elapsed.TotalSeconds,8:0.000} {DateTime.UtcNow:HH:mm:ss.fff} {text}");
        lock (_lock)
        {
            _lines.Add(line);
            // a late line (a probe finishing as the run is torn down) still reaches Lines
            if (!_closed)
                _file.WriteLine(line);
        }
        _echo?.Invoke(line);
    }

    /// <summary>Every line so far.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lock)
                return [.. _lines];
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_lock)
        {
            _closed = true;
            _file.Dispose();
        }
    }
}
