using Pvc.ZooKeeper;

namespace Pvc.Core.Connection;

/// <summary>
/// Follows a connection's ZooKeeper session for a long-running holder of ephemeral state (the node service): when the
/// session ends (expired or closed), and how often the connection has been cut off. Dispose it to stop following.
/// </summary>
public sealed class SessionWatch : IDisposable
{
    private readonly ZooKeeperClient _client;
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _interruptions;

    /// <summary>Starts following the connection's current session.</summary>
    public SessionWatch(ClusterConnection cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        _client = cluster.ZooKeeper;
        _client.StateChanged += OnStateChanged;
        if (_client.State is ZooKeeperState.Expired or ZooKeeperState.Closed)
            _ended.TrySetResult();
    }

    /// <summary>Completes when the session has expired or was closed: its ephemeral znodes, locks and watches are gone.</summary>
    public Task Ended => _ended.Task;

    /// <summary>How many times the connection left the connected state (a cut-off, however short) since this watch began.</summary>
    public int Interruptions => Volatile.Read(ref _interruptions);

    private void OnStateChanged(object? sender, ZooKeeperStateChangedEventArgs e)
    {
        if (e.Current != ZooKeeperState.Connected)
            Interlocked.Increment(ref _interruptions);
        if (e.Current is ZooKeeperState.Expired or ZooKeeperState.Closed)
            _ended.TrySetResult();
    }

    /// <inheritdoc />
    public void Dispose() => _client.StateChanged -= OnStateChanged;
}
