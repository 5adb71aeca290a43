using System.Text;
using Pvc.Core.Cluster;
using Pvc.Core.Connection;
using Pvc.Core.Nodes;
using Pvc.Core.Reading;
using Pvc.Core.Schema;
using Pvc.Core.Vms;
using Pvc.ZooKeeper;

namespace Pvc.Core.Fencing;

/// <summary>
/// The fence monitor's reads and writes, for the coordinator <paramref name="nodeName"/>: the fence lock, the other
/// nodes' keepalives, the transition of a silent node from "run" to "dead" (checked against the keepalive it was judged
/// by), and the wait for a dead node to come back. What fencing then writes is <see cref="FencedNodeRecovery"/>.
/// </summary>
public sealed class FenceOperations(ClusterConnection cluster, string nodeName)
{
    private ZooKeeperClient Zk => cluster.ZooKeeper;

    /// <summary>The lock on <c>/config/fence_lock</c> (kazoo-compatible, so a PVC coordinator and a Pvc one never fence at once).</summary>
    public ClusterLock FenceLock() => new(cluster, BaseKeys.FenceLock, nodeName);

    /// <summary>Maintenance mode, and every other node's daemon state and keepalive, in two round trips.</summary>
    public async Task<FenceRound> ReadRoundAsync(CancellationToken cancellationToken)
    {
        var batch = new ZnodeBatch(Zk).Data(BaseKeys.Maintenance).Children(BaseKeys.Nodes);
        await batch.ReadAsync(cancellationToken);
        if (PvcBool.Decode(batch.Text(BaseKeys.Maintenance)))
            return new(true, []);
        var nodes = LockNodes.Without(batch.ChildrenOf(BaseKeys.Nodes) ?? []).Where(n => n != nodeName).ToList();
        var states = new ZnodeBatch(Zk);
        foreach (var node in nodes)
            states.Data(NodeKeys.Path(node, NodeKeys.Keepalive)).Data(NodeKeys.Path(node, NodeKeys.DaemonState));
        await states.ReadAsync(cancellationToken);
        NodeLiveness Liveness(string node)
        {
            var keepalive = states.StatOf(NodeKeys.Path(node, NodeKeys.Keepalive));
            return new(node, Wire.DaemonState.Decode(states.Text(NodeKeys.Path(node, NodeKeys.DaemonState))), keepalive?.ModifiedZxid, keepalive?.Version ?? -1);
        }
        return new(false, [.. nodes.Select(Liveness)]);
    }

    /// <summary>
    /// Marks a running node dead, unless it wrote meanwhile: the write checks the keepalive's version the monitor last
    /// saw as well as the daemon state's. False when the node is not "run" or came back (nothing written).
    /// </summary>
    public async Task<bool> DeclareDeadAsync(string node, int keepaliveVersion, CancellationToken cancellationToken)
    {
        var path = NodeKeys.Path(node, NodeKeys.DaemonState);
        var state = await Zk.GetDataAsync(path, cancellationToken: cancellationToken);
        if (Wire.DaemonState.Decode(Encoding.UTF8.GetString(state.Data)) != NodeDaemonState.Run)
            return false;
        try
        {
            await Zk.MultiAsync([Op.Check(NodeKeys.Path(node, NodeKeys.Keepalive), keepaliveVersion),
                Op.SetData(path, Encoding.UTF8.GetBytes(Wire.DaemonState.Encode(NodeDaemonState.Dead)), state.Stat.Version)], cancellationToken);
            return true;
        }
        catch (BadVersionException)
        {
            return false; // it wrote its state just now
        }
    }

    /// <summary>
    /// <see cref="FencedNodeRecovery.RecoverAsync"/> of a node its BMC confirmed off, surviving a lost answer: a
    /// connection lost while the transaction was under way leaves unknown whether ZooKeeper committed it (nemesis seed
    /// 582891: it had, the fencer threw before powering the node back on, and nobody ever did). Once connected again
    /// the node's daemon state tells: still "dead" is recovered again, anything else was written.
    /// </summary>
    /// <param name="node">The node powered off.</param>
    /// <param name="recoverVms">Whether its VMs are started elsewhere.</param>
    /// <param name="beforeRecovery">Runs for each VM before it is started elsewhere (<see cref="FenceRecoveryOptions.BeforeRecovery"/>: the node's RBD lock flush), or null.</param>
    /// <param name="answerLost">Told why, each time an answer is lost.</param>
    /// <param name="cancellationToken">Ends the wait for the connection.</param>
    /// <returns>The VMs moved; empty when a lost answer's transaction had been committed.</returns>
    /// <exception cref="SessionExpiredException">The session expired while the connection was away: the fencer reads the node's state from its next session (<see cref="ReadDaemonStateAsync"/>).</exception>
    public async Task<IReadOnlyList<RecoveredVm>> RecoverPoweredOffAsync(string node, bool recoverVms, Func<Vm, CancellationToken, Task>? beforeRecovery, Action<string> answerLost, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(answerLost);
        var lost = false;
        while (true)
        {
            try
            {
                // "fenced" is written in the recovery's one transaction: only it (or the node removed) says the lost
                // answer was a commit. Any other state is the node's own write from before the power-off (nemesis seed
                // 479351: "init" from a session it opened while being fenced): it is still to be recovered
                if (lost && await ReadDaemonStateAsync(node, cancellationToken) is NodeDaemonState.Fenced or null)
                    return [];
                return await FencedNodeRecovery.RecoverAsync(cluster, node, new FenceRecoveryOptions { Fenced = true, RecoverVms = recoverVms, BeforeRecovery = beforeRecovery }, cancellationToken);
            }
            catch (ConnectionLossException e)
            {
                lost = true;
                answerLost(e.Message);
                await Zk.WaitConnectedAsync(Timeout.InfiniteTimeSpan, cancellationToken);
            }
        }
    }

    /// <summary>
    /// The node's daemon state; null when the node is not registered (removed). A fencer whose session expired before
    /// it learnt how its recovery went reads it from its next session: "fenced" is written in the recovery's one
    /// transaction, with the VMs' moves.
    /// </summary>
    public async Task<NodeDaemonState?> ReadDaemonStateAsync(string node, CancellationToken cancellationToken)
    {
        try
        {
            return Wire.DaemonState.Decode(Encoding.UTF8.GetString((await Zk.GetDataAsync(NodeKeys.Path(node, NodeKeys.DaemonState), cancellationToken: cancellationToken)).Data));
        }
        catch (NoNodeException)
        {
            return null;
        }
    }

    /// <summary>
    /// The cluster tasks routed to a dead node (<see cref="Tasks.ClusterTaskRecovery"/>): Pending ones are handed to the
    /// primary (this node, the fencer, while no other primary is elected) unless bound to the node; Running ones too when
    /// <paramref name="poweredOff"/> and their handler is safe to repeat; the rest fail "TaskNodeDied" with the reason.
    /// </summary>
    public Task<IReadOnlyList<Tasks.ClusterTaskRecovery.Outcome>> RecoverTasksAsync(string node, bool poweredOff, CancellationToken cancellationToken) =>
        Tasks.ClusterTaskRecovery.RecoverAsync(cluster, node, poweredOff ? $"node {node} died and was fenced" : $"node {node} died (not fenced)",
            handOverRunning: poweredOff, onlyOtherSessions: false, fallback: nodeName, cancellationToken);

    /// <summary>Waits on a watch, up to <paramref name="within"/>, for the node's daemon state to leave "dead" (its keepalive writes "run" again).</summary>
    public async Task<bool> WaitLeftDeadAsync(string node, TimeSpan within, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(within);
        try
        {
            while (true)
            {
                var changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                var state = await Zk.GetDataAsync(NodeKeys.Path(node, NodeKeys.DaemonState), _ => changed.TrySetResult(), deadline.Token);
                if (Wire.DaemonState.Decode(Encoding.UTF8.GetString(state.Data)) != NodeDaemonState.Dead)
                    return true;
                await changed.Task.WaitAsync(deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>The node's BMC keys, in one round trip.</summary>
    public async Task<BmcKeys> ReadBmcAsync(string node, CancellationToken cancellationToken)
    {
        string[] paths = [NodeKeys.Path(node, NodeKeys.IpmiHostname), NodeKeys.Path(node, NodeKeys.IpmiUsername), NodeKeys.Path(node, NodeKeys.IpmiPassword)];
        var keys = await VersionedKeys.ReadAsync(Zk, paths, cancellationToken);
        return new(keys[paths[0]], keys[paths[1]], keys[paths[2]]);
    }

    /// <summary>
    /// The BMC system GUID every node recorded when it registered (<see cref="NodeKeys.IpmiSystemGuid"/>), the text as
    /// stored (empty or absent for none): the fencer checks the BMC it reaches against the fenced node's, and refuses one
    /// that answers as another node's.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, string?>> ReadBmcIdentitiesAsync(CancellationToken cancellationToken)
    {
        var nodes = LockNodes.Without((await Zk.GetChildrenAsync(BaseKeys.Nodes, cancellationToken: cancellationToken)).Children).ToList();
        var batch = new ZnodeBatch(Zk);
        foreach (var name in nodes)
            batch.Data(NodeKeys.Path(name, NodeKeys.IpmiSystemGuid));
        await batch.ReadAsync(cancellationToken);
        return nodes.ToDictionary(n => n, n => batch.Text(NodeKeys.Path(n, NodeKeys.IpmiSystemGuid)), StringComparer.Ordinal);
    }
}
