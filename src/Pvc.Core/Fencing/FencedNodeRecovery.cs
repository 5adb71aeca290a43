using System.Text;
using Pvc.Core.Cluster;
using Pvc.Core.Connection;
using Pvc.Core.Errors;
using Pvc.Core.Faults;
using Pvc.Core.Nodes;
using Pvc.Core.Placement;
using Pvc.Core.Reading;
using Pvc.Core.Schema;
using Pvc.Core.Vms;
using Pvc.ZooKeeper;

namespace Pvc.Core.Fencing;

/// <summary>
/// What the fencing coordinator writes about a dead node once fencing is decided (PVC's fence_node after the BMC,
/// and migrateFromFencedNode): the node's daemon state "fenced", its coordinator role given up, its counters reset,
/// and each VM that should run there started on a node the selector and node limits allow (spread, see
/// <see cref="PlacementPlanner"/>) or stopped with autostart when none fits.
/// </summary>
/// <remarks>
/// All of it is one transaction that checks the versions of every key the decision read, including that the node
/// is still "dead" when no BMC confirmed it off: a node that came back meanwhile, or a VM changed by someone else, fails the write, which is then
/// decided afresh. PVC writes each VM in turn (a coordinator dying half-way leaves half the VMs recovered) and passes
/// through a visible "fence-flush" domain state; here the node goes from dead straight to fenced and flushed.
/// <para>
/// A VM caught migrating to the dead node belongs to the side that really runs it. While a live sender holds it (a
/// contender on its state or node lock, which the sender keeps for the whole send, or a running node whose keepalive
/// lists it) it is left to that sender, which gives up on a dead receiver and keeps it; PVC instead trusts the dead
/// node's running list, where a guest still coming in (paused by libvirt) is listed too, and starts a second copy.
/// Only with no live sender left did it run on the dead node, and it is started elsewhere. A VM handed over by
/// shutdown ("stop", with <c>migrate_sync_lock</c> still naming it: the receiver never decided) was to start on the
/// dead node, so it is started elsewhere too, where PVC leaves it stopped. A VM on its way from the dead node is
/// "start" on its receiver, unless that receiver is "fenced": its own recovery left the VM to this node, its sender,
/// and a fenced node is powered off, so the VM is started elsewhere (else it would run nowhere for good).
/// </para>
/// </remarks>
public static class FencedNodeRecovery
{
    private const int Attempts = 5;

    /// <summary>VM states that mean "should be running on its node" (PVC uses the dead node's running list).</summary>
    private static readonly HashSet<VmState> Running = [VmState.Start, VmState.Restart];

    /// <summary>States of a migration under way: the node key names the receiver, the sender still runs the VM.</summary>
    private static readonly HashSet<VmState> Migrating = [VmState.Migrate, VmState.MigrateLive, VmState.Unmigrate];

    /// <summary>Recovers <paramref name="node"/>, which must be "dead" unless <see cref="FenceRecoveryOptions.Fenced"/>.</summary>
    /// <returns>Each VM that was running there and where it went (empty when VMs are not recovered).</returns>
    /// <exception cref="PvcException">InvalidOperation: "NodeNotDead": the node's daemon state is not "dead" (it came back); nothing was written.</exception>
    /// <exception cref="PvcException">NotFound: "NodeNotFound".</exception>
    /// <exception cref="PvcException">WriteConflict: "RecoveryWriteConflict": the cluster kept changing; nothing was written.</exception>
    public static async Task<IReadOnlyList<RecoveredVm>> RecoverAsync(ClusterConnection connection, string node, FenceRecoveryOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(options);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                if (await AttemptAsync(connection, node, options, cancellationToken) is { } done)
                {
                    await RaiseBrokenRulesAsync(connection, node, done, cancellationToken);
                    return done;
                }
                if (attempt == Attempts)
                    throw new PvcException(PvcErrorKind.WriteConflict, PvcErrorIds.RecoveryWriteConflict, $"The cluster kept changing while node '{node}' was being recovered; nothing was written.");
            }
            catch (ZooKeeperException e) when (e is BadVersionException or NoNodeException && attempt < Attempts)
            {
            }
            catch (ZooKeeperException e) when (e is BadVersionException or NoNodeException)
            {
                throw new PvcException(PvcErrorKind.WriteConflict, PvcErrorIds.RecoveryWriteConflict, $"The cluster kept changing while node '{node}' was being recovered ({e.Message}); nothing was written.", e);
            }
        }
    }

    /// <summary>
    /// A fault per hard placement rule a recovery broke (<see cref="FaultIds.PlacementRuleBroken"/>), naming its VMs and
    /// where they now run; the VMs are already started, so a fault that cannot be written is not the recovery's failure.
    /// </summary>
    private static async Task RaiseBrokenRulesAsync(ClusterConnection connection, string node, IReadOnlyList<RecoveredVm> recovered, CancellationToken cancellationToken)
    {
        foreach (var group in recovered.SelectMany(r => r.BrokenRules.Select(rule => (rule, r))).GroupBy(p => p.rule))
        {
            var vms = string.Join(", ", group.Select(p => $"{p.r.Vm.Name} on {p.r.Target}"));
            try
            {
                await connection.Faults.RaiseAsync(FaultIds.PlacementRuleBroken(group.Key), FaultIds.PlacementRuleBrokenDelta,
                    $"Recovering node {node} broke the hard placement rule '{group.Key}' to start its VMs: {vms}. Move them back within the rule when a node is free (the placement recommendation proposes the moves)", cancellationToken);
            }
            catch (PvcException)
            {
                // the VMs run; the fault is the lesser write
            }
        }
    }

    /// <summary>One decision and its transaction; null when the VMs changed between the two reads (decide again).</summary>
    private static async Task<IReadOnlyList<RecoveredVm>?> AttemptAsync(ClusterConnection connection, string node, FenceRecoveryOptions options, CancellationToken cancellationToken)
    {
        var zk = connection.ZooKeeper;
        var view = await connection.Placement.ReadAsync(cancellationToken);
        var nodes = view.Nodes;
        var dead = nodes.FirstOrDefault(n => n.Name == node)
            ?? throw new PvcException(PvcErrorKind.NotFound, PvcErrorIds.NodeNotFound, $"There is no node '{node}'.") { Target = node };
        var vms = options.RecoverVms ? await VmReader.ListAsync(zk, cancellationToken: cancellationToken) : [];
        // running there: started (or restarting) on it, or reported running by its last keepalive
        var settled = vms.Where(v => v.Node == node && !Migrating.Contains(v.State) && (Running.Contains(v.State) || dead.RunningVms.Contains(v.Uuid))
            && v.State is not (VmState.Stop or VmState.Disable or VmState.Fail or VmState.Delete)).ToList();
        // on their way to the dead node, or handed over to it by shutdown: which of them ran there needs their locks
        var arriving = vms.Where(v => v.Node == node && Migrating.Contains(v.State)).ToList();
        var stopped = vms.Where(v => v.Node == node && v.State == VmState.Stop).ToList();
        var locks = new ZnodeBatch(zk);
        foreach (var vm in arriving)
            locks.Children(DomainKeys.Path(vm.Uuid, DomainKeys.State)).Children(DomainKeys.Path(vm.Uuid, DomainKeys.Node));
        foreach (var vm in stopped)
            locks.Data(DomainKeys.Path(vm.Uuid, DomainKeys.MigrateSyncLock));
        await locks.ReadAsync(cancellationToken);
        // a live node that runs it: its keepalive lists it (the dead node's own list is no evidence: it lists a guest
        // that was still coming in)
        var runningElsewhere = nodes.Where(n => n.Name != node && n.DaemonState == NodeDaemonState.Run).SelectMany(n => n.RunningVms).ToHashSet();
        var heldBySender = new List<(Vm Vm, string? Contender)>();
        var arrived = new List<Vm>();
        foreach (var vm in arriving)
        {
            var contender = SenderLock(locks, vm.Uuid);
            if (contender is not null || runningElsewhere.Contains(vm.Uuid))
                heldBySender.Add((vm, contender));
            else
                arrived.Add(vm);
        }
        // "stop" with migrate_sync_lock still naming it: its sender shut it down for the dead receiver, which never
        // decided (it writes "start" and clears the key at once)
        var handedOver = stopped.Where(v => locks.Text(DomainKeys.Path(v.Uuid, DomainKeys.MigrateSyncLock)) == DomainKeys.Format(v.Uuid)).ToList();
        // on their way from the dead node: its receiver may wait for a sender that is gone; it now runs nowhere but
        // may run on its receiver, so "start" there (a receiver that has it running leaves it as it is)
        var leaving = vms.Where(v => v.LastNode == node && v.Node is { } n && n != node && Migrating.Contains(v.State)).ToList();
        // ... unless the receiver is "fenced": powered off, nothing runs there, and its own recovery is over (it left
        // the VM to this node, then its live sender): "start" there would be a VM nobody ever starts
        var fencedReceivers = nodes.Where(n => n.Name != node && n.DaemonState == NodeDaemonState.Fenced).Select(n => n.Name).ToHashSet(StringComparer.Ordinal);
        var stranded = leaving.Where(v => fencedReceivers.Contains(v.Node!)).ToList();
        var toRelease = leaving.Except(stranded).ToList();
        var toRecover = settled.Concat(arrived).Concat(handedOver).Concat(stranded).OrderBy(v => v.Name, StringComparer.Ordinal).ToList();

        var keys = new List<string> { NodeKeys.Path(node, NodeKeys.DaemonState), BaseKeys.PrimaryNode, BaseKeys.MigrationTargetSelector };
        foreach (var vm in toRecover.Concat(toRelease).Concat(heldBySender.Select(h => h.Vm)))
        {
            keys.Add(DomainKeys.Path(vm.Uuid, DomainKeys.State));
            keys.Add(DomainKeys.Path(vm.Uuid, DomainKeys.Node));
        }
        foreach (var vm in handedOver)
            keys.Add(DomainKeys.Path(vm.Uuid, DomainKeys.MigrateSyncLock));
        foreach (var receiver in stranded.Select(v => v.Node!).Distinct(StringComparer.Ordinal))
            keys.Add(NodeKeys.Path(receiver, NodeKeys.DaemonState));
        var read = await VersionedKeys.ReadAsync(zk, keys, cancellationToken);
        // once its BMC confirmed it off, whatever the node wrote last is stale; without that it must still be dead
        if (!options.Fenced && read[NodeKeys.Path(node, NodeKeys.DaemonState)] != "dead")
            throw new PvcException(PvcErrorKind.InvalidOperation, PvcErrorIds.NodeNotDead,
                $"Node '{node}' is '{read[NodeKeys.Path(node, NodeKeys.DaemonState)]}', not dead: it came back, so its VMs stay where they are.") { Target = node };
        // the decision was made on the first read; the transaction checks the second: they must agree
        foreach (var vm in toRecover.Concat(toRelease).Concat(heldBySender.Select(h => h.Vm)))
        {
            if (read[DomainKeys.Path(vm.Uuid, DomainKeys.State)] != Wire.VmState.Encode(vm.State) || read[DomainKeys.Path(vm.Uuid, DomainKeys.Node)] != vm.Node)
                return null;
        }
        foreach (var vm in handedOver)
        {
            if (read[DomainKeys.Path(vm.Uuid, DomainKeys.MigrateSyncLock)] != DomainKeys.Format(vm.Uuid))
                return null;
        }
        if (Wire.NodeSelector.Decode(read[BaseKeys.MigrationTargetSelector]) != view.ClusterDefault)
            return null;
        // a fenced receiver that came back meanwhile takes its VM as any receiver does: decide again
        if (stranded.Any(v => read[NodeKeys.Path(v.Node!, NodeKeys.DaemonState)] != "fenced"))
            return null;

        var ops = new List<Op>(read.Checks);
        // a VM left to its sender because of its lock: the lock must still be held when this is written (a sender that
        // let go of it without changing the state finished a live migration onto the dead node), else decide again
        foreach (var (_, contender) in heldBySender)
        {
            if (contender is not null)
                ops.Add(Op.Check(contender, -1));
        }
        void Set(string path, string value) => ops.Add(Op.SetData(path, Encoding.UTF8.GetBytes(value)));

        // within the placement rules where they can be met; where only a hard rule stands in the way the VM is started
        // anyway and the broken rule raised as a fault (availability first: a hard rule refuses an administrator's
        // placement, but a VM kept stopped after a failure for its sake would be an outage the rule never meant)
        var rules = options.RecoverVms ? await connection.Placement.ReadRulesAsync(cancellationToken) : PlacementRules.None;
        var occupancy = rules.Occupy(vms.Where(v => v.Node is not null).ToDictionary(v => v.Uuid, v => v.Node!));
        var planner = new PlacementPlanner(nodes.Where(n => n.Name != node), occupancy);
        var recovered = new List<RecoveredVm>();
        foreach (var vm in toRecover)
        {
            var placement = planner.PlaceOverridingRules(vm.Uuid, view.Request(node, vm.NodeLimit, vm.NodeSelector), vm.MemoryMiB, vm.Vcpus);
            if (options.BeforeRecovery is { } hook)
                await hook(vm, cancellationToken);
            if (placement.Target is { } target)
            {
                Set(DomainKeys.Path(vm.Uuid, DomainKeys.State), Wire.VmState.Encode(VmState.Start));
                Set(DomainKeys.Path(vm.Uuid, DomainKeys.Node), target);
                Set(DomainKeys.Path(vm.Uuid, DomainKeys.LastNode), node);
            }
            else
            {
                Set(DomainKeys.Path(vm.Uuid, DomainKeys.State), Wire.VmState.Encode(VmState.Stop));
                Set(DomainKeys.Path(vm.Uuid, DomainKeys.Autostart), PvcBool.Encode(true));
            }
            // the dead receiver's announcement would never be cleared; left, it would make a later "stop" look handed over
            if (arrived.Contains(vm) || handedOver.Contains(vm) || stranded.Contains(vm))
                Set(DomainKeys.Path(vm.Uuid, DomainKeys.MigrateSyncLock), "");
            recovered.Add(new RecoveredVm(new VmRef(vm.Uuid, vm.Name), placement.Target, placement.Target is null ? placement.Explanation : null)
            {
                BrokenRules = [.. placement.OverriddenRules.Select(r => r.Name)],
            });
        }

        foreach (var vm in toRelease)
            Set(DomainKeys.Path(vm.Uuid, DomainKeys.State), Wire.VmState.Encode(VmState.Start));

        if (options.Fenced)
            Set(NodeKeys.Path(node, NodeKeys.DaemonState), "fenced");
        if (options.RecoverVms)
            Set(NodeKeys.Path(node, NodeKeys.DomainState), Wire.DomainState.Encode(NodeDomainState.Flushed));
        if (dead.Mode == NodeMode.Coordinator)
            Set(NodeKeys.Path(node, NodeKeys.RouterState), Wire.CoordinatorState.Encode(CoordinatorState.Secondary));
        if (read[BaseKeys.PrimaryNode] == node)
            Set(BaseKeys.PrimaryNode, "none");
        // the dead node runs nothing now; PVC writes "0" into the running list too, which is no UUID list
        Set(NodeKeys.Path(node, NodeKeys.RunningDomains), "");
        foreach (var counter in new[] { NodeKeys.DomainCount, NodeKeys.CpuLoad, NodeKeys.VcpuAllocated, NodeKeys.MemoryUsed, NodeKeys.MemoryFree, NodeKeys.MemoryAllocated, NodeKeys.MemoryProvisioned })
            Set(NodeKeys.Path(node, counter), "0");
        Set(NodeKeys.Path(node, NodeKeys.MonitoringHealth), "None");
        await zk.MultiAsync(ops, cancellationToken);
        return recovered;
    }

    /// <summary>
    /// A contender on the VM's state or node lock, which the sender of a migration holds from before it looks for its
    /// receiver until it is done (a kazoo lock node is ephemeral: it exists only while its holder's session lives).
    /// </summary>
    private static string? SenderLock(ZnodeBatch locks, Guid uuid)
    {
        foreach (var key in new[] { DomainKeys.State, DomainKeys.Node })
        {
            var path = DomainKeys.Path(uuid, key);
            if ((locks.ChildrenOf(path) ?? []).FirstOrDefault(LockNodes.IsLockNode) is { } contender)
                return $"{path}/{contender}";
        }
        return null;
    }

    /// <summary>
    /// A dead coordinator gives up its role, whatever its fence's result (as PVC): routerstate "secondary", and
    /// <c>/config/primary_node</c> "none" when it names the node, so that the live coordinators elect another.
    /// </summary>
    public static async Task ReleaseCoordinatorRoleAsync(ClusterConnection connection, string node, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var zk = connection.ZooKeeper;
        for (var attempt = 1; ; attempt++)
        {
            var read = await VersionedKeys.ReadAsync(zk, [NodeKeys.Path(node, NodeKeys.Mode), BaseKeys.PrimaryNode], cancellationToken);
            var ops = new List<Op>(read.Checks);
            if (read[NodeKeys.Path(node, NodeKeys.Mode)] == "coordinator")
                ops.Add(Op.SetData(NodeKeys.Path(node, NodeKeys.RouterState), Encoding.UTF8.GetBytes(Wire.CoordinatorState.Encode(CoordinatorState.Secondary))));
            if (read[BaseKeys.PrimaryNode] == node)
                ops.Add(Op.SetData(BaseKeys.PrimaryNode, "none"u8.ToArray()));
            try
            {
                await zk.MultiAsync(ops, cancellationToken);
                return;
            }
            catch (BadVersionException) when (attempt < Attempts)
            {
            }
        }
    }
}
