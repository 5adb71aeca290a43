namespace Pvc.NodeService.Daemon;

/// <summary>
/// When this node's keepalive last reached ZooKeeper, across sessions, on the monotonic clock: the systemd watchdog
/// and self-fencing follow it.
/// </summary>
internal sealed class KeepaliveClock(TimeProvider time)
{
    private long _last = time.GetTimestamp();

    /// <summary>A keepalive was written now.</summary>
    public void Record() => Interlocked.Exchange(ref _last, time.GetTimestamp());

    /// <summary>How long since the last keepalive was written (since the service started, before the first).</summary>
    public TimeSpan Since => time.GetElapsedTime(Interlocked.Read(ref _last));
}
