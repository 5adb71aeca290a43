using Pvc.ZooKeeper.Recipes;
using Pvc.ZooKeeper;

namespace Pvc.Core.Connection;

/// <summary>
/// An exclusive lock on one of the cluster's znodes, in kazoo's layout, so that PVC's own daemons and clients queue on
/// it with Pvc's (the VM's node and state locks a sender holds, <c>migrate_sync_lock</c>, the election lock,
/// <c>/config/fence_lock</c>). The lock node is ephemeral: it goes with its session at the latest.
/// </summary>
public sealed class ClusterLock
{
    private readonly ZooKeeperLock _lock;

    internal ClusterLock(ClusterConnection cluster, string path, string holder) =>
        _lock = new ZooKeeperLock(cluster.ZooKeeper, path, LockKind.Exclusive, holder);

    /// <summary>The locked znode.</summary>
    public string Path => _lock.Path;

    /// <summary>This contender's lock node while it holds or waits for the lock.</summary>
    internal string? NodePath => _lock.NodePath;

    /// <summary>Waits until the lock is held.</summary>
    public Task AcquireAsync(CancellationToken cancellationToken = default) => _lock.AcquireAsync(cancellationToken: cancellationToken);

    /// <summary>Waits up to <paramref name="timeout"/> for the lock; false when it was not got (nothing is left queued).</summary>
    public Task<bool> TryAcquireAsync(TimeSpan timeout, CancellationToken cancellationToken = default) => _lock.TryAcquireAsync(timeout, cancellationToken);

    /// <summary>
    /// Takes a place in the lock's queue and returns once it has one (this contender's node exists), without waiting
    /// for the lock: the task returned then completes when the lock is held (true) or <paramref name="timeout"/> passed
    /// (false, nothing left queued). For a holder that must be queued again before it lets go of another contender.
    /// </summary>
    public async Task<Task<bool>> QueueAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var queued = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var acquiring = _lock.TryAcquireAsync(timeout, () => queued.TrySetResult(), cancellationToken);
        if (await Task.WhenAny(queued.Task, acquiring) == acquiring)
            await acquiring; // failed (or timed out) before it had a place: rethrows a failure
        return acquiring;
    }

    /// <summary>
    /// Lets the lock go. Returns null, or why the release failed: the lock node then goes with the session at the
    /// latest, and the caller (which holds nothing else on it) only has to say so.
    /// </summary>
    public async Task<string?> ReleaseAsync()
    {
        try
        {
            await _lock.ReleaseAsync();
            return null;
        }
        catch (ZooKeeperException e)
        {
            return e.Message;
        }
    }
}
