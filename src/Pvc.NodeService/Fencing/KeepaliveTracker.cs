namespace Pvc.NodeService.Fencing;

/// <summary>
/// How long each node's keepalive has gone unchanged, as this monitor has seen it on its own monotonic clock.
/// </summary>
/// <remarks>
/// PVC compares each node's written epoch with the fencing coordinator's wall clock, so a clock step or skew
/// between hosts fences live nodes, and after a ZooKeeper outage every keepalive is old at once and every node
/// would be fenced. Here a node's age counts from when this monitor last saw its keepalive change, and never from
/// before the monitor began watching (it starts afresh whenever the monitor takes the fence lock or its session
/// comes back): a node is dead only when the monitor, while it could see the cluster, saw it silent for the threshold.
/// </remarks>
internal sealed class KeepaliveTracker(TimeProvider time)
{
    private readonly Dictionary<string, (string? Value, long SeenAt)> _nodes = new(StringComparer.Ordinal);

    /// <summary>Forgets what was seen: every node gets the full threshold again (after the monitor was cut off).</summary>
    public void Restart() => _nodes.Clear();

    /// <summary>Records a node's keepalive value as just read; returns how long it has gone unchanged.</summary>
    public TimeSpan Observe(string node, string? keepalive)
    {
        var now = time.GetTimestamp();
        if (!_nodes.TryGetValue(node, out var seen) || seen.Value != keepalive)
            _nodes[node] = seen = (keepalive, now);
        return time.GetElapsedTime(seen.SeenAt, now);
    }
}
