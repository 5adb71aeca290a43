using System.Runtime.CompilerServices;
using System.Text;
using Pvc.Core.Cluster;
using Pvc.Core.Connection;
using Pvc.Core.Errors;
using Pvc.Core.Nodes;
using Pvc.Core.Reading;
using Pvc.Core.Schema;
using Pvc.ZooKeeper;

namespace Pvc.Core.Vms;

/// <summary>
/// The VM operations of a node service, for the node <see cref="NodeName"/>: what it reads to decide (with watches),
/// and each change of a VM's state it makes (PVC's VMInstance and flush), as one transaction that checks the version of
/// the state its decision was based on. A write whose check fails returns false and writes nothing: someone changed
/// the VM meanwhile, their change stands, and the node's watch makes it decide again.
/// </summary>
public sealed class VmHostOperations(ClusterConnection cluster, string nodeName)
{
    // one watcher per caller's callback: the client keeps one registration per watcher, however often it is re-armed
    private readonly ConditionalWeakTable<Action, Watcher> _watchers = new();

    private ZooKeeperClient Zk => cluster.ZooKeeper;

    /// <summary>The node this service acts for.</summary>
    public string NodeName => nodeName;

    private static string P(Guid uuid, string key) => DomainKeys.Path(uuid, key);

    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    private static Op SetState(Guid uuid, VmState state) => Op.SetData(P(uuid, DomainKeys.State), Utf8(Wire.VmState.Encode(state)));

    private Watcher WatcherFor(Action changed) => _watchers.GetValue(changed, c => _ => c());

    /// <summary>The UUIDs of every VM of the cluster; <paramref name="changed"/> is called when the list changes next.</summary>
    public async Task<IReadOnlySet<Guid>> ListAsync(Action changed, CancellationToken cancellationToken)
    {
        var children = await Zk.GetChildrenAsync(BaseKeys.Domains, WatcherFor(changed), cancellationToken);
        return children.Children.Select(c => Guid.TryParse(c, out var g) ? g : Guid.Empty).Where(g => g != Guid.Empty).ToHashSet();
    }

    /// <summary>The cluster's VMs (all, or those the filter selects), for a flush.</summary>
    public Task<IReadOnlyList<Vm>> ListVmsAsync(VmFilter? filter, CancellationToken cancellationToken) =>
        VmReader.ListAsync(Zk, filter, cancellationToken);

    /// <summary>
    /// Reads a VM to act on it; null when it is no longer in the cluster. <paramref name="changed"/> is called on the
    /// next change of its state or node (the watches are armed before the read, so no change after it is missed).
    /// </summary>
    public async Task<HostedVm?> ReadAsync(Guid uuid, Action changed, CancellationToken cancellationToken)
    {
        var watcher = WatcherFor(changed);
        var batch = new ZnodeBatch(Zk);
        foreach (var key in new[] { DomainKeys.Root, DomainKeys.State, DomainKeys.Node, DomainKeys.LastNode, DomainKeys.Xml, DomainKeys.MigrationMethod, DomainKeys.MigrationMaxDowntime })
            batch.Data(P(uuid, key));
        batch.Data(Placement.PlacementRuleKeys.ImposedOf(uuid));
        // the watches' requests are sent ahead of the read, not waited for: ZooKeeper answers a session's requests in the
        // order sent, so they are armed before the read all the same, and the decision costs one round trip, not two
        // (the read is made ready first, so that it follows them at once)
        Task armed, read;
        using (Zk.SendTogether())
        {
            armed = Task.WhenAll(Zk.ExistsAsync(P(uuid, DomainKeys.State), watcher, cancellationToken), Zk.ExistsAsync(P(uuid, DomainKeys.Node), watcher, cancellationToken));
            read = batch.ReadAsync(cancellationToken);
        }
        await Task.WhenAll(armed, read);
        if (batch.Text(P(uuid, DomainKeys.Root)) is not { } name)
            return null;
        return new HostedVm(uuid, name, Wire.VmState.Decode(batch.Text(P(uuid, DomainKeys.State))), batch.StatOf(P(uuid, DomainKeys.State))?.Version ?? -1,
            PvcText.Decode(batch.Text(P(uuid, DomainKeys.Node))), PvcText.Decode(batch.Text(P(uuid, DomainKeys.LastNode))),
            batch.Text(P(uuid, DomainKeys.Xml)) ?? "", ImposedMethod(batch, uuid) ?? Wire.MigrationMethod.Decode(batch.Text(P(uuid, DomainKeys.MigrationMethod))),
            TimeSpan.FromMilliseconds(PvcNumber.DecodeInt(batch.Text(P(uuid, DomainKeys.MigrationMaxDowntime))) ?? 300));
    }

    /// <summary>
    /// The method a flush imposed on the VM's migration (<see cref="MigrationRequest.ImposedMethod"/>): its record counts
    /// while the VM's state is the one the migration's transaction wrote (one mzxid for both); else null.
    /// </summary>
    private static MigrationMethod? ImposedMethod(ZnodeBatch batch, Guid uuid)
    {
        var key = Placement.PlacementRuleKeys.ImposedOf(uuid);
        if (batch.StatOf(key) is not { } record || batch.StatOf(P(uuid, DomainKeys.State)) is not { } state || record.ModifiedZxid != state.ModifiedZxid)
            return null;
        return Wire.MigrationMethod.Decode(batch.Text(key)) is var method && method != MigrationMethod.Default ? method : null;
    }

    /// <summary>
    /// Why the cluster's domain XML policy refuses <paramref name="xml"/>, or null when it allows it: the node's own check
    /// before it starts a domain, for XML written straight into ZooKeeper past Core's define and modify.
    /// </summary>
    public async Task<string?> DomainXmlRefusalAsync(string xml, string vmName, CancellationToken cancellationToken)
    {
        try
        {
            DomainXmlPolicy.RequireAllowed(DomainXmlPolicy.Inspect(xml), await DomainXmlAllowList.ReadAsync(Zk, cancellationToken), vmName);
            return null;
        }
        catch (PvcException e) when (e.Kind == PvcErrorKind.InvalidArgument || e.ErrorId == PvcErrorIds.DomainXmlNotAllowed)
        {
            return e.Message;
        }
    }

    /// <summary>Starts the check a receiver makes when no sender comes (<see cref="UnsentMigrationCheck"/>): notes every other node's keepalive now.</summary>
    public Task<UnsentMigrationCheck> BeginUnsentCheckAsync(Guid uuid, CancellationToken cancellationToken) =>
        UnsentMigrationCheck.BeginAsync(cluster, uuid, nodeName, cancellationToken);

    /// <summary>A VM's state and nodes, read together.</summary>
    public async Task<VmPlacement> ReadPlacementAsync(Guid uuid, CancellationToken cancellationToken)
    {
        var batch = new ZnodeBatch(Zk);
        foreach (var key in new[] { DomainKeys.State, DomainKeys.Node, DomainKeys.LastNode })
            batch.Data(P(uuid, key));
        await batch.ReadAsync(cancellationToken);
        return new VmPlacement(Wire.VmState.Decode(batch.Text(P(uuid, DomainKeys.State))), batch.StatOf(P(uuid, DomainKeys.State))?.Version ?? -1,
            PvcText.Decode(batch.Text(P(uuid, DomainKeys.Node))), PvcText.Decode(batch.Text(P(uuid, DomainKeys.LastNode))));
    }

    /// <summary>A node's daemon state with its version (a node that is not registered reads Unknown, version -1).</summary>
    public async Task<NodeStateRead<NodeDaemonState>> ReadDaemonStateAsync(string node, CancellationToken cancellationToken)
    {
        try
        {
            var read = await Zk.GetDataAsync(NodeKeys.Path(node, NodeKeys.DaemonState), cancellationToken: cancellationToken);
            return new(Wire.DaemonState.Decode(Encoding.UTF8.GetString(read.Data)), read.Stat.Version);
        }
        catch (NoNodeException)
        {
            return new(NodeDaemonState.Unknown, -1);
        }
    }

    /// <summary>The VM's node lock, which a sender holds for the whole send (PVC's clients wait on it).</summary>
    public ClusterLock NodeLock(Guid uuid) => new(cluster, P(uuid, DomainKeys.Node), nodeName);

    /// <summary>The VM's state lock, which a sender holds for the whole send.</summary>
    public ClusterLock StateLock(Guid uuid) => new(cluster, P(uuid, DomainKeys.State), nodeName);

    /// <summary>The VM's migration hand-shake, as this node takes part in it.</summary>
    public MigrationHandshake Handshake(Guid uuid) => new(cluster, uuid, nodeName);

    /// <summary>
    /// The VM runs here as asked (started, restarted, or arrived): "start", unless the state changed since
    /// <paramref name="stateVersion"/> was read. False when it did (nothing written).
    /// </summary>
    public Task<bool> MarkRunningAsync(Guid uuid, int stateVersion, CancellationToken cancellationToken) =>
        TryCommitAsync([Op.Check(P(uuid, DomainKeys.State), stateVersion), SetState(uuid, VmState.Start)], cancellationToken);

    /// <summary>
    /// A VM to be received here that already runs here (an unmigrate brought its assignment back to the node running
    /// it, say): "start", and a receiver's announcement left in <c>migrate_sync_lock</c> goes too, in the same
    /// transaction: one left by a receiver that died (nemesis seed 996475) would make this VM's next "stop" read as a
    /// hand-over. Nothing is written when the state changed since <paramref name="stateVersion"/>.
    /// </summary>
    public Task<bool> MarkArrivedAsync(Guid uuid, int stateVersion, CancellationToken cancellationToken) =>
        TryCommitAsync([Op.Check(P(uuid, DomainKeys.State), stateVersion), SetState(uuid, VmState.Start), Handshake(uuid).ClearOp()], cancellationToken);

    /// <summary>After a start: "start" unless the state already says so (no needless write), on the same condition as <see cref="MarkRunningAsync"/>.</summary>
    public async Task<bool> ConfirmStartedAsync(Guid uuid, int stateVersion, CancellationToken cancellationToken)
    {
        var now = await Zk.GetDataAsync(P(uuid, DomainKeys.State), cancellationToken: cancellationToken);
        return Wire.VmState.Decode(Encoding.UTF8.GetString(now.Data)) == VmState.Start || await MarkRunningAsync(uuid, stateVersion, cancellationToken);
    }

    /// <summary>A shutdown asked for is done: "stop", unless the state changed since <paramref name="stateVersion"/>.</summary>
    public Task<bool> MarkStoppedAsync(Guid uuid, int stateVersion, CancellationToken cancellationToken) =>
        TryCommitAsync([Op.Check(P(uuid, DomainKeys.State), stateVersion), SetState(uuid, VmState.Stop)], cancellationToken);

    /// <summary>The VM failed to start here: "fail" with the reason, unless the state changed since <paramref name="stateVersion"/>.</summary>
    public Task<bool> MarkFailedAsync(Guid uuid, int stateVersion, string reason, CancellationToken cancellationToken) =>
        TryCommitAsync([Op.Check(P(uuid, DomainKeys.State), stateVersion), SetState(uuid, VmState.Fail),
            Op.SetData(P(uuid, DomainKeys.FailedReason), Utf8(reason))], cancellationToken);

    /// <summary>
    /// PVC's abort_migrate, by the sender: the VM stays here and runs ("start", its node this one, its last node what
    /// it was before the request), and the receiver's announcement goes too (one left by a receiver that died would
    /// make a later "stop" of this VM look like a hand-over to a fencer recovering that node). Nothing is written when
    /// the state changed since <paramref name="stateVersion"/>.
    /// </summary>
    public Task<bool> AbortMigrationAsync(Guid uuid, int stateVersion, string? settledLastNode, CancellationToken cancellationToken) =>
        TryCommitAsync([Op.Check(P(uuid, DomainKeys.State), stateVersion), SetState(uuid, VmState.Start),
            Op.SetData(P(uuid, DomainKeys.Node), Utf8(nodeName)), Op.SetData(P(uuid, DomainKeys.LastNode), Utf8(settledLastNode ?? "")),
            Handshake(uuid).ClearOp()], cancellationToken);

    /// <summary>
    /// The sender of a shutdown migration has stopped the VM: "stop" tells the receiver (PVC's too) to start it, on
    /// condition that the VM's state is still the one read and the receiver's daemon state is still the "run" read
    /// (<paramref name="receiverVersion"/>) before the shutdown. False when either changed (nothing written).
    /// </summary>
    public Task<bool> HandOverStoppedAsync(Guid uuid, int stateVersion, string receiver, int receiverVersion, CancellationToken cancellationToken) =>
        TryCommitAsync([Op.Check(P(uuid, DomainKeys.State), stateVersion), Op.Check(NodeKeys.Path(receiver, NodeKeys.DaemonState), receiverVersion),
            SetState(uuid, VmState.Stop)], cancellationToken);

    /// <summary>
    /// The receiver's decision that the VM runs here (arrived, or handed over stopped and started here): "start" and
    /// the hand-shake's key cleared in one transaction, so that the announcement of a receiver of the next migration
    /// (which can only follow this state) is never wiped out. False when the state changed since
    /// <paramref name="stateVersion"/> (nothing written).
    /// </summary>
    public Task<bool> CompleteReceiveAsync(Guid uuid, int stateVersion, CancellationToken cancellationToken) =>
        TryCommitAsync([Op.Check(P(uuid, DomainKeys.State), stateVersion), SetState(uuid, VmState.Start), Handshake(uuid).ClearOp()], cancellationToken);

    /// <summary>The receiver's decision that the migration failed here: "fail" with the reason, and the key cleared, as <see cref="CompleteReceiveAsync"/>.</summary>
    public Task<bool> FailReceiveAsync(Guid uuid, int stateVersion, string reason, CancellationToken cancellationToken) =>
        TryCommitAsync([Op.Check(P(uuid, DomainKeys.State), stateVersion), SetState(uuid, VmState.Fail),
            Op.SetData(P(uuid, DomainKeys.FailedReason), Utf8(reason)), Handshake(uuid).ClearOp()], cancellationToken);

    /// <summary>
    /// A flush found no node for a running VM: it is shut down and marked to start again when this node returns
    /// ("shutdown" and autostart), on condition that it is still "start" on this node as read here.
    /// </summary>
    /// <exception cref="PvcException">"VmChangedMeanwhile": it is no longer so, or changed while this was written; nothing was written.</exception>
    public async Task ShutdownForFlushAsync(VmRef vm, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(vm);
        var read = await VersionedKeys.ReadAsync(Zk, [P(vm.Uuid, DomainKeys.State), P(vm.Uuid, DomainKeys.Node), P(vm.Uuid, DomainKeys.Autostart)], cancellationToken);
        if (Wire.VmState.Decode(read[P(vm.Uuid, DomainKeys.State)]) != VmState.Start || PvcText.Decode(read[P(vm.Uuid, DomainKeys.Node)]) != nodeName)
            throw Conflict(vm);
        await CommitAsync(vm, read, [SetState(vm.Uuid, VmState.Shutdown), Op.SetData(P(vm.Uuid, DomainKeys.Autostart), Utf8(PvcBool.Encode(true)))], cancellationToken);
    }

    /// <summary>
    /// An unflush starts a VM stopped here with autostart: "start", its last node cleared, autostart off, on condition
    /// that it is still assigned here with autostart as read here.
    /// </summary>
    /// <exception cref="PvcException">"VmChangedMeanwhile": it is no longer so, or changed while this was written; nothing was written.</exception>
    /// <exception cref="PvcException">InvalidOperation "VmBeingRemoved": a vm.remove task of the VM is Pending or Running (see <see cref="VmRemovalMarker"/>).</exception>
    public async Task AutostartHereAsync(VmRef vm, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(vm);
        var marker = Tasks.TaskKeys.VmRemoval(vm.Uuid);
        var read = await VersionedKeys.ReadAsync(Zk, [P(vm.Uuid, DomainKeys.State), P(vm.Uuid, DomainKeys.Node), P(vm.Uuid, DomainKeys.Autostart), marker], cancellationToken);
        if (!PvcBool.Decode(read[P(vm.Uuid, DomainKeys.Autostart)]) || PvcText.Decode(read[P(vm.Uuid, DomainKeys.Node)]) != nodeName)
            throw Conflict(vm);
        await VmRemovalMarker.RefuseIfActiveAsync(cluster, vm, read[marker], "it is not started at its node's ready", cancellationToken);
        await CommitAsync(vm, read, [SetState(vm.Uuid, VmState.Start), Op.SetData(P(vm.Uuid, DomainKeys.LastNode), ""u8.ToArray()),
            Op.SetData(P(vm.Uuid, DomainKeys.Autostart), Utf8(PvcBool.Encode(false)))], cancellationToken);
    }

    private static PvcException Conflict(VmRef vm, Exception? inner = null) =>
        new(PvcErrorKind.WriteConflict, PvcErrorIds.VmChangedMeanwhile, $"The VM '{vm.Name}' was changed by someone else meanwhile; nothing was written.", inner) { Target = vm.Name };

    private async Task CommitAsync(VmRef vm, VersionedKeys read, IEnumerable<Op> writes, CancellationToken cancellationToken)
    {
        try
        {
            await Zk.MultiAsync(read.Checks.Concat(writes), cancellationToken);
        }
        catch (ZooKeeperException e) when (e is BadVersionException or NoNodeException)
        {
            throw Conflict(vm, e);
        }
    }

    /// <summary>Runs a transaction of checks and writes; false when a check failed (nothing written).</summary>
    private async Task<bool> TryCommitAsync(IReadOnlyList<Op> ops, CancellationToken cancellationToken)
    {
        try
        {
            await Zk.MultiAsync(ops, cancellationToken);
            return true;
        }
        catch (ZooKeeperException e) when (e is BadVersionException or NoNodeException)
        {
            return false;
        }
    }

    /// <summary>
    /// Writes the running VMs' stats reports (<c>/domains/&lt;uuid&gt;/stats</c>, PVC's JSON), all sent together; a VM
    /// removed meanwhile is skipped. Returns how many were written.
    /// </summary>
    public async Task<int> WriteStatsAsync(IReadOnlyDictionary<Guid, VmStats> stats, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stats);
        Task<bool>[] writes;
        using (Zk.SendTogether())
            writes = [.. stats.Select(s => TrySetAsync(P(s.Key, DomainKeys.Stats), s.Value.Encode(), cancellationToken))];
        return (await Task.WhenAll(writes)).Count(w => w);
    }

    /// <summary>Writes a VM's console log (<c>/domains/&lt;uuid&gt;/consolelog</c>: its last lines, as the file has them); false when the VM is gone.</summary>
    public Task<bool> WriteConsoleLogAsync(Guid uuid, string text, CancellationToken cancellationToken) =>
        TrySetAsync(P(uuid, DomainKeys.ConsoleLog), text, cancellationToken);

    // only this node writes these keys while the VM runs here: no one else's write to lose
    private async Task<bool> TrySetAsync(string path, string text, CancellationToken cancellationToken)
    {
        try
        {
            await Zk.SetDataAsync(path, Utf8(text), cancellationToken: cancellationToken);
            return true;
        }
        catch (NoNodeException)
        {
            return false;
        }
    }
}
