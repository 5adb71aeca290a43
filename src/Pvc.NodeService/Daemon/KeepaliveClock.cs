using System.Globalization;

namespace Pvc.NodeService.Daemon;

/// <summary>
/// When this node's keepalive last reached ZooKeeper, across sessions and across restarts of the service, on a
/// clock that goes on through both: the systemd watchdog and self-fencing follow it.
/// </summary>
/// <remarks>
/// A restarted service that started counting from zero would undo self-fencing: systemd restarts a service whose
/// watchdog stopped, which is exactly a node whose keepalives no longer get through, and the fencer moves its VMs
/// after suicide_intervals + 2 intervals of silence whatever the node restarted. So each keepalive is stamped in a
/// file (under /run: gone at boot, as the count should be), with the boot's id and a CLOCK_BOOTTIME timestamp
/// (<see cref="BootTimeProvider"/>), and a new process goes on from the stamp. A stamp of another boot, or from the
/// future, is ignored. A clean stop (the cluster told the node stopped) removes it.
/// </remarks>
internal sealed class KeepaliveClock
{
    private readonly TimeProvider _time;
    private readonly string? _stamp;
    private readonly Action<Exception>? _stampFailed;
    private long _last;

    /// <summary>A clock on <paramref name="time"/>; with <paramref name="stampPath"/>, kept across restarts in that file.</summary>
    /// <param name="time">The clock (a BootTimeProvider in the service).</param>
    /// <param name="stampPath">The stamp file; null keeps the count in this process only.</param>
    /// <param name="stampFailed">Told when the stamp cannot be written (the count would then not survive a restart).</param>
    public KeepaliveClock(TimeProvider time, string? stampPath = null, Action<Exception>? stampFailed = null)
    {
        _time = time;
        _stamp = stampPath;
        _stampFailed = stampFailed;
        var now = time.GetTimestamp();
        if (ReadStamp() is { } stamped && stamped <= now)
        {
            _last = stamped;
        }
        else
        {
            // no keepalive yet this boot: the count starts now, and a restart before the first keepalive goes on from here
            _last = now;
            WriteStamp(now);
        }
    }

    /// <summary>A keepalive was written now.</summary>
    public void Record()
    {
        var now = _time.GetTimestamp();
        Interlocked.Exchange(ref _last, now);
        WriteStamp(now);
    }

    /// <summary>How long since the last keepalive was written (since the first start this boot, before the first).</summary>
    public TimeSpan Since => _time.GetElapsedTime(Interlocked.Read(ref _last));

    /// <summary>The node left the cluster cleanly: the next start counts afresh.</summary>
    public void ForgetStamp()
    {
        if (_stamp is null)
            return;
        try
        {
            File.Delete(_stamp);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _stampFailed?.Invoke(e);
        }
    }

    private static readonly Lazy<string> BootId = new(() =>
    {
        try
        {
            return File.ReadAllText("/proc/sys/kernel/random/boot_id").Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    });

    private long? ReadStamp()
    {
        if (_stamp is null || !File.Exists(_stamp))
            return null;
        try
        {
            var parts = File.ReadAllText(_stamp).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            return parts.Length == 2 && parts[0] == BootId.Value && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var t) ? t : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private void WriteStamp(long timestamp)
    {
        if (_stamp is null)
            return;
        try
        {
            // whole or not at all: a process killed while writing must not leave half a stamp
            var temporary = _stamp + ".new";
            File.WriteAllText(temporary, $"{BootId.Value} {timestamp.ToString(CultureInfo.InvariantCulture)}");
            File.Move(temporary, _stamp, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _stampFailed?.Invoke(e);
        }
    }
}
