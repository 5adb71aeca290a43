using System.Text;
using System.Text.RegularExpressions;
using Pvc.Core.Cluster;
using Pvc.Core.Connection;
using Pvc.Core.Schema;
using Pvc.ZooKeeper;

namespace Pvc.Core.Vms;

/// <summary>
/// PVC 1.0.3's hand-shake between the node that sends a VM and the node that receives it, on
/// <c>/domains/&lt;uuid&gt;/migrate_sync_lock</c>: the key holds the VM's UUID while a receiver waits (else ""),
/// and an exclusive kazoo-compatible lock on it orders the two nodes. The receiver takes the lock first (phase A),
/// lets the sender queue behind it, releases, and queues again behind the sender (phase B); the sender migrates
/// while it holds the lock, so the receiver looks at the outcome only once the sender has finished. PVC keeps that
/// order with fixed sleeps (the sender waits 0.5 s, the receiver holds the lock 1 s); here each side waits on a
/// watch for the other's lock node instead, with PVC's 30 s as the limit, so the order no longer depends on timing.
/// Both sides' lock nodes are kazoo's, so a PVC node and a Pvc node can migrate to each other. A client waiting for a
/// shutdown migration to end asks <see cref="ProbeHandOverAsync"/> whether the receiver is still to decide.
/// </summary>
public sealed partial class MigrationHandshake
{
    private readonly ClusterConnection _cluster;
    private readonly Guid _uuid;
    private readonly string _holder;
    private readonly string _uuidText;

    /// <summary>The hand-shake of VM <paramref name="uuid"/>, as node <paramref name="nodeName"/> takes part in it (or watches it).</summary>
    public MigrationHandshake(ClusterConnection cluster, Guid uuid, string nodeName)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        _cluster = cluster;
        _uuid = uuid;
        _holder = nodeName;
        _uuidText = DomainKeys.Format(uuid);
        Path = DomainKeys.Path(uuid, DomainKeys.MigrateSyncLock);
    }

    private ZooKeeperClient Zk => _cluster.ZooKeeper;

    /// <summary>The key (and the locked znode).</summary>
    public string Path { get; }

    /// <summary>A new contender for the exclusive lock (not acquired).</summary>
    public ClusterLock NewLock() => new(_cluster, Path, _holder);

    /// <summary>Receiver: writes the VM's UUID into the key, which tells a sender that a receiver is there.</summary>
    public async Task AnnounceAsync(CancellationToken cancellationToken) =>
        await Zk.SetDataAsync(Path, Encoding.UTF8.GetBytes(_uuidText), cancellationToken: cancellationToken);

    /// <summary>Receiver, at the end (or a sender withdrawing a dead receiver's announcement): clears the key.</summary>
    public async Task ClearAsync(CancellationToken cancellationToken) =>
        await Zk.SetDataAsync(Path, ""u8.ToArray(), cancellationToken: cancellationToken);

    /// <summary>The write that clears the key, for a transaction that decides the migration at the same time.</summary>
    internal Op ClearOp() => Op.SetData(Path, ""u8.ToArray());

    /// <summary>True while the key holds the VM's UUID (a receiver has announced itself and not finished).</summary>
    public async Task<bool> IsAnnouncedAsync(CancellationToken cancellationToken) =>
        Encoding.UTF8.GetString((await Zk.GetDataAsync(Path, cancellationToken: cancellationToken)).Data) == _uuidText;

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
                var data = Zk.GetDataAsync(Path, _ => changed.TrySetResult(), deadline.Token);
                var children = Zk.GetChildrenAsync(Path, _ => changed.TrySetResult(), deadline.Token);
                if (Encoding.UTF8.GetString((await data).Data) == _uuidText && (await children).Children.Any(c => Contender().IsMatch(c)))
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
    public async Task<ReceiverWait> WaitForSenderQueuedAsync(ClusterLock held, Func<CancellationToken, Task<bool>> senderDone, TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(held);
        ArgumentNullException.ThrowIfNull(senderDone);
        var own = Sequence(held.NodePath ?? throw new InvalidOperationException("The phase A lock is not held."));
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            while (true)
            {
                var changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                var children = Zk.GetChildrenAsync(Path, _ => changed.TrySetResult(), deadline.Token);
                var state = Zk.ExistsAsync(DomainKeys.Path(_uuid, DomainKeys.State), _ => changed.TrySetResult(), deadline.Token);
                var node = Zk.ExistsAsync(DomainKeys.Path(_uuid, DomainKeys.Node), _ => changed.TrySetResult(), deadline.Token);
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

    /// <summary>
    /// A client waiting for a migration to end, having read the state "stop": is this a shutdown migration whose
    /// receiver is still to decide? A shutdown migration passes through "stop": the old node has stopped the VM and the
    /// new one, queued on the lock (whose key holds the VM's UUID meanwhile), is about to write "start" and clear the
    /// key in one transaction. <paramref name="changed"/> is called on the next change of the lock's contenders or the
    /// VM's state (armed before the reads).
    /// </summary>
    public async Task<HandOverProbe> ProbeHandOverAsync(Action changed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changed);
        string key, now;
        IReadOnlyList<string> contenders;
        try
        {
            // in this order: the new node writes "start" and clears the key together, and lock nodes stand on the key
            // throughout (the old node's while it writes "stop", the new node's queued behind it until after "start");
            // so a key and lock read before a state that still says "stop" belong to that "stop"
            key = Encoding.UTF8.GetString((await Zk.GetDataAsync(Path, cancellationToken: cancellationToken)).Data);
            contenders = (await Zk.GetChildrenAsync(Path, _ => changed(), cancellationToken)).Children;
            now = Encoding.UTF8.GetString((await Zk.GetDataAsync(DomainKeys.Path(_uuid, DomainKeys.State), _ => changed(), cancellationToken)).Data);
        }
        catch (NoNodeException)
        {
            return HandOverProbe.NotHandingOver; // no such key (or no VM any more): nothing is being handed over
        }
        if (Wire.VmState.Decode(now) != VmState.Stop)
            return HandOverProbe.StateMovedOn;
        // really stopped unless announced with live contenders (a key left by a receiver that died has no lock nodes)
        return key == _uuidText && contenders.Count > 0 ? HandOverProbe.HandingOver : HandOverProbe.NotHandingOver;
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

    /// <summary>What a client waiting on a "stop" learns from <see cref="ProbeHandOverAsync"/>.</summary>
    public enum HandOverProbe
    {
        /// <summary>The VM's state is no longer "stop": look at it again.</summary>
        StateMovedOn,
        /// <summary>The VM is really stopped: no receiver is waiting to take it.</summary>
        NotHandingOver,
        /// <summary>A receiver is queued to decide: wait for the change.</summary>
        HandingOver,
    }
}
