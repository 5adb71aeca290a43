using System.Text;
using System.Text.RegularExpressions;
using Pvc.Core.Schema;
using Pvc.ZooKeeper;
using Pvc.ZooKeeper.Recipes;

namespace Pvc.NodeService.Daemon;

/// <summary>
/// PVC 1.0.3's hand-shake between the node that sends a VM and the node that receives it, on
/// <c>/domains/&lt;uuid&gt;/migrate_sync_lock</c>: the key holds the VM's UUID while a receiver waits (else ""),
/// and an exclusive kazoo-compatible lock on it orders the two nodes. The receiver takes the lock first (phase A),
/// lets the sender queue behind it, releases, and queues again behind the sender (phase B); the sender migrates
/// while it holds the lock, so the receiver looks at the outcome only once the sender has finished. PVC keeps that
/// order with fixed sleeps (the sender waits 0.5 s, the receiver holds the lock 1 s); here each side waits on a
/// watch for the other's lock node instead, with PVC's 30 s as the limit, so the order no longer depends on timing.
/// Both sides' lock nodes are kazoo's, so a PVC node and a Pvc node can migrate to each other.
/// </summary>
internal sealed partial class MigrationSyncLock(ZooKeeperClient zk, Guid uuid, string nodeName)
{
    private readonly string _uuid = DomainKeys.Format(uuid);

    /// <summary>The key (and the locked znode).</summary>
    public string Path { get; } = DomainKeys.Path(uuid, DomainKeys.MigrateSyncLock);

    /// <summary>A new contender for the exclusive lock (not acquired).</summary>
    public ZooKeeperLock NewLock() => new(zk, Path, LockKind.Exclusive, nodeName);

    /// <summary>Receiver: writes the VM's UUID into the key, which tells a sender that a receiver is there.</summary>
    public async Task AnnounceAsync(CancellationToken cancellationToken) =>
        await zk.SetDataAsync(Path, Encoding.UTF8.GetBytes(_uuid), cancellationToken: cancellationToken);

    /// <summary>Receiver, at the end: clears the key.</summary>
    public async Task ClearAsync(CancellationToken cancellationToken) =>
        await zk.SetDataAsync(Path, ""u8.ToArray(), cancellationToken: cancellationToken);

    /// <summary>True while the key holds the VM's UUID (a receiver has announced itself and not finished).</summary>
    public async Task<bool> IsAnnouncedAsync(CancellationToken cancellationToken) =>
        Encoding.UTF8.GetString((await zk.GetDataAsync(Path, cancellationToken: cancellationToken)).Data) == _uuid;

    /// <summary>
    /// Sender: waits until a receiver is there, that is the key holds the UUID and some contender holds or waits for
    /// the lock (the receiver's phase A). Queuing only then puts the sender behind the receiver, as PVC's fixed
    /// 0.5 s delay means to. False when that did not happen within <paramref name="timeout"/>.
    /// </summary>
    public async Task<bool> WaitForReceiverAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            while (true)
            {
                var changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                // both watches armed before reading, so a change after the reads wakes the wait
                var data = zk.GetDataAsync(Path, _ => changed.TrySetResult(), deadline.Token);
                var children = zk.GetChildrenAsync(Path, _ => changed.TrySetResult(), deadline.Token);
                if (Encoding.UTF8.GetString((await data).Data) == _uuid && (await children).Children.Any(c => Contender().IsMatch(c)))
                    return true;
                await changed.Task.WaitAsync(deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>
    /// Receiver, holding the lock in phase A: waits until another contender queues behind <paramref name="held"/>
    /// (the sender), or <paramref name="senderDone"/> says the sender has already finished or given up (checked
    /// again after each change of the VM's state or node), or <paramref name="timeout"/> passes. Returns why it
    /// stopped waiting.
    /// </summary>
    public async Task<ReceiverWait> WaitForSenderQueuedAsync(ZooKeeperLock held, Func<CancellationToken, Task<bool>> senderDone, TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        var own = Sequence(held.NodePath ?? throw new InvalidOperationException("The phase A lock is not held."));
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            while (true)
            {
                var changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                var children = zk.GetChildrenAsync(Path, _ => changed.TrySetResult(), deadline.Token);
                var state = zk.ExistsAsync(DomainKeys.Path(uuid, DomainKeys.State), _ => changed.TrySetResult(), deadline.Token);
                var node = zk.ExistsAsync(DomainKeys.Path(uuid, DomainKeys.Node), _ => changed.TrySetResult(), deadline.Token);
                await Task.WhenAll(children, state, node);
                if ((await children).Children.Any(c => Contender().Match(c) is { Success: true } m && string.CompareOrdinal(m.Groups[1].Value, own) > 0))
                    return ReceiverWait.SenderQueued;
                if (await senderDone(deadline.Token))
                    return ReceiverWait.SenderDone;
                await changed.Task.WaitAsync(deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return ReceiverWait.TimedOut;
        }
    }

    private static string Sequence(string lockNode) => Contender().Match(lockNode) is { Success: true } m
        ? m.Groups[1].Value
        : throw new InvalidOperationException($"{lockNode} is not a lock node.");

    // kazoo's lock node names: <hex>__lock__<10 digits> (exclusive and write locks) or <hex>__rlock__<10 digits> (read)
    [GeneratedRegex(@"__r?lock__(\d{10})$", RegexOptions.CultureInvariant)]
    private static partial Regex Contender();

    /// <summary>Why the receiver stopped holding the phase A lock.</summary>
    public enum ReceiverWait
    {
        /// <summary>A sender's lock node is queued behind the receiver's.</summary>
        SenderQueued,
        /// <summary>The sender already finished (the VM runs here, or was shut down for the move) or aborted.</summary>
        SenderDone,
        /// <summary>No sender came within the time limit.</summary>
        TimedOut,
    }
}
