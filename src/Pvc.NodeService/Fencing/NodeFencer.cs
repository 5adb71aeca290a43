using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Pvc.Core.Cluster;
using Pvc.Core.Connection;
using Pvc.Core.Errors;
using Pvc.Core.Faults;
using Pvc.Core.Fencing;
using Pvc.Core.Schema;
using Pvc.NodeService.Ceph;
using Pvc.NodeService.Configuration;

namespace Pvc.NodeService.Fencing;

/// <summary>
/// Fences one dead node, as PVC's fence_node: the node is marked dead (with the DEAD_NODE fault), gets its saving
/// throws (it may come back), is powered off through its BMC, and only once the BMC confirms it off are its VMs
/// started elsewhere. A fence that fails leaves the VMs where they are and raises FENCE_FAILED; they move anyway only
/// under failed_fence "migrate" with self-fencing on, once the node must have stopped them itself. After a fence, and
/// only then, each VM's RBD locks are broken before it starts elsewhere (<paramref name="diskLocks"/>, when the node
/// has Ceph): the powered-off node's QEMU can no longer release them, and it can no longer write either.
/// </summary>
internal sealed class NodeFencer(ClusterConnection cluster, FenceOperations fence, NodeConfig config, BmcFence bmc, VmDiskLocks? diskLocks, PendingPowerOns powerOns, ILogger log)
{
    // a fence's power-off..power-on and the retries of owed power-ons, one at a time: a retry must not take a node's
    // entry while its fence is under way (its state still "dead")
    private readonly SemaphoreSlim _powerGate = new(1, 1);

    private FencingSettings Settings => config.Fencing;

    /// <summary>How long without a keepalive makes a node dead.</summary>
    public TimeSpan DeathThreshold => config.KeepaliveInterval * Settings.FenceIntervals;

    /// <summary>
    /// How long a power-on stays owed (the BMC not answering, or this service cut off from ZooKeeper) before it is given
    /// up: 120 keepalive intervals (10 minutes at PVC's 5 s), time for a BMC network to come back from the outage that
    /// often comes with a fence, and at least a session timeout and a death threshold (the longest a cut-off fencer lives
    /// on). Past it an operator may have switched the node off on purpose, and that decision wins.
    /// </summary>
    public TimeSpan PowerOnOwedAtMost
    {
        get
        {
            var floor = Configuration.NodeConnection.SessionTimeout(config) + DeathThreshold;
            var limit = config.KeepaliveInterval * 120;
            return limit > floor ? limit : floor;
        }
    }

    /// <summary>
    /// Marks a running node dead and fences it, unless it wrote meanwhile: the write checks the keepalive's version
    /// the monitor last saw as well as the daemon state's, so a keepalive that arrived since stops it.
    /// </summary>
    public async Task<FenceOutcome> DeclareDeadAndFenceAsync(string node, TimeSpan silentFor, int keepaliveVersion, CancellationToken cancellationToken)
    {
        if (!await fence.DeclareDeadAsync(node, keepaliveVersion, cancellationToken))
            return FenceOutcome.CameBack; // not running, or it wrote its state just now
        log.LogWarning("Node {Node} sent no keepalive for {Seconds:0.0} s: marked dead", node, silentFor.TotalSeconds);
        return await FenceAsync(node, silentFor, cancellationToken);
    }

    /// <summary>Fences a node already marked dead (by this monitor, or by one that died while fencing it).</summary>
    public async Task<FenceOutcome> FenceAsync(string node, TimeSpan silentFor, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        await RaiseAsync(FaultIds.DeadNode(node), FaultIds.DeadNodeDelta, $"Node {node} is dead: no keepalive for {silentFor.TotalSeconds:0} s", cancellationToken);

        var savingThrows = config.KeepaliveInterval * Settings.SavingThrows;
        if (savingThrows > TimeSpan.Zero && await CameBackAsync(node, savingThrows, cancellationToken))
        {
            log.LogInformation("Node {Node} came back within its saving throws: not fenced", node);
            return FenceOutcome.CameBack;
        }

        var keys = await fence.ReadBmcAsync(node, cancellationToken);
        var address = BmcAddress.FromKeys(keys.Host, keys.User, keys.Password);
        log.LogWarning("Fencing node {Node} through its BMC {Bmc}", node, address?.ToString() ?? "(none)");
        var result = await bmc.PowerOffAsync(address, await ExpectationAsync(node, cancellationToken), cancellationToken);
        if (result.Done)
        {
            await _powerGate.WaitAsync(cancellationToken);
            try
            {
                log.LogWarning("Node {Node} fenced: {Detail}", node, result.Detail);
                return await RecoverAndPowerOnAsync(node, address!, cancellationToken);
            }
            finally
            {
                _powerGate.Release();
            }
        }
        return await FailedAsync(node, silentFor, clock, result, cancellationToken);
    }

    /// <summary>A node the BMC confirmed off: its recovery, then its power-on (owed until the BMC says on).</summary>
    private async Task<FenceOutcome> RecoverAndPowerOnAsync(string node, BmcAddress address, CancellationToken cancellationToken)
    {
        // owed until done: a session that expires before the recovery's answer leaves it to the next session
        powerOns.Add(node, address);
        await RecoverAsync(node, fenced: true, Settings.SuccessfulFence == FenceAction.Migrate, cancellationToken);
        // only now, with the node written off, may it boot: it comes back flushed, owning nothing; a BMC that does
        // not power it on keeps it owed, and the monitor tries again every interval (FinishPowerOnsAsync)
        var on = await bmc.PowerOnAsync(address, expected: null, cancellationToken);
        if (on.Done)
        {
            log.LogInformation("Node {Node}: {Detail}", node, on.Detail);
            powerOns.Remove(node);
        }
        else
        {
            log.LogWarning("Node {Node} was not powered on: {Detail}; trying again", node, on.Detail);
        }
        return FenceOutcome.Fenced;
    }

    /// <summary>A fence the BMC did not confirm: FENCE_FAILED, and the VMs moved only under failed_fence migrate with self-fencing.</summary>
    private async Task<FenceOutcome> FailedAsync(string node, TimeSpan silentFor, Stopwatch clock, BmcFenceResult result, CancellationToken cancellationToken)
    {
        log.LogError("Fencing node {Node} failed: {Detail}; its VMs stay assigned to it", node, result.Detail);
        await RaiseAsync(FaultIds.FenceFailed(node), FaultIds.FenceFailedDelta, $"Fencing node {node} failed: {result.Detail}. Its VMs were not started elsewhere; power it off and run Resume-PvcNode elsewhere, or fix its BMC", cancellationToken);
        // as PVC, whatever the fence's result, a dead coordinator gives up its role so that another is elected
        await FencedNodeRecovery.ReleaseCoordinatorRoleAsync(cluster, node, cancellationToken);
        if (Settings.FailedFence == FenceAction.Migrate && Settings.SuicideIntervals > 0)
        {
            // a node cut off for suicide_intervals stops its own VMs; two more intervals cover its noticing and stopping
            var selfFenced = config.KeepaliveInterval * (Settings.SuicideIntervals + 2);
            var wait = selfFenced - (silentFor + clock.Elapsed);
            if (wait > TimeSpan.Zero && await CameBackAsync(node, wait, cancellationToken))
            {
                log.LogInformation("Node {Node} came back after a failed fence: its VMs stay", node);
                return FenceOutcome.CameBack;
            }
            log.LogWarning("Node {Node} has been silent past its self-fencing limit: recovering its VMs (failed_fence migrate)", node);
            await RecoverAsync(node, fenced: false, recoverVms: true, cancellationToken);
            return FenceOutcome.RecoveredWithoutFence;
        }
        return FenceOutcome.Failed;
    }

    /// <summary>
    /// Powers on each node this service fenced without finishing (its session expired, or the recovery failed, after
    /// the power-off, or the BMC did not power it on) once the cluster shows it written off: "fenced" is committed in
    /// one transaction with its VMs' moves, so it boots owning nothing. Its cluster tasks are recovered first (a
    /// recovery that threw never reached them). A node in any other state is no longer this fencer's: "dead" is fenced
    /// (and so powered on) again by whichever monitor holds the lock, and a node someone brought back needs nothing.
    /// Only nodes this service itself powered off are powered on; never one found off, which an operator may keep off.
    /// A power-on not made stays owed for the next round, up to <see cref="PowerOnOwedAtMost"/>; none is made while the
    /// cluster is in maintenance, and the BMC must still answer as the node's.
    /// </summary>
    public async Task FinishPowerOnsAsync(CancellationToken cancellationToken)
    {
        if (powerOns.IsEmpty)
            return;
        await _powerGate.WaitAsync(cancellationToken);
        try
        {
            await FinishPowerOnsLockedAsync(cancellationToken);
        }
        finally
        {
            _powerGate.Release();
        }
    }

    private async Task FinishPowerOnsLockedAsync(CancellationToken cancellationToken)
    {
        if ((await fence.ReadRoundAsync(cancellationToken)).Maintenance)
            return; // kept: made once maintenance ends, unless too old by then
        foreach (var (node, owed) in powerOns.Snapshot())
        {
            if (owed.Age > PowerOnOwedAtMost)
            {
                log.LogError("Node {Node}, powered off by this node's fence {Seconds:0} s ago, was not powered on in that time; given up: power it on through its BMC when it should run", node, owed.Age.TotalSeconds);
                powerOns.Remove(node);
                continue;
            }
            var state = await fence.ReadDaemonStateAsync(node, cancellationToken);
            if (state != NodeDaemonState.Fenced)
            {
                log.LogInformation("Node {Node}, powered off by this node's fence, is {State} now: its power-on is no longer this node's to make", node, state is null ? "removed" : Wire.DaemonState.Describe(state));
                powerOns.Remove(node);
                continue;
            }
            await RecoverTasksAsync(node, fenced: true, cancellationToken);
            var on = await bmc.PowerOnAsync(owed.Bmc, await ExpectationAsync(node, cancellationToken), cancellationToken);
            if (on.Done)
            {
                log.LogWarning("Node {Node}, fenced by this node, powered on: {Detail}", node, on.Detail);
                powerOns.Remove(node);
            }
            else
            {
                log.LogWarning("Node {Node}, fenced by this node, is not powered on yet: {Detail}; trying again", node, on.Detail);
            }
        }
    }

    /// <summary>The BMC identities the nodes recorded (<see cref="BmcIdentity"/>): the fenced node's, and the others'.</summary>
    private async Task<BmcExpectation> ExpectationAsync(string node, CancellationToken cancellationToken)
    {
        var recorded = await fence.ReadBmcIdentitiesAsync(cancellationToken);
        var others = new Dictionary<Guid, string>();
        foreach (var (name, text) in recorded.Where(r => r.Key != node))
        {
            if (BmcIdentity.Decode(text) is { } guid)
                others.TryAdd(guid, name);
        }
        return new BmcExpectation(node, BmcIdentity.Decode(recorded.GetValueOrDefault(node)), others);
    }

    private async Task RecoverAsync(string node, bool fenced, bool recoverVms, CancellationToken cancellationToken)
    {
        try
        {
            // a node the BMC confirmed off: a recovery whose answer was lost is read back, so that the power-on follows
            var moved = fenced
                ? await fence.RecoverPoweredOffAsync(node, recoverVms, diskLocks is null ? null : FlushLocksAsync, why => log.LogWarning("Node {Node}: ZooKeeper's answer to its recovery was lost ({Message}); once connected, its state tells whether it was written", node, why), cancellationToken)
                : await FencedNodeRecovery.RecoverAsync(cluster, node, new FenceRecoveryOptions { Fenced = false, RecoverVms = recoverVms }, cancellationToken);
            await RecoverTasksAsync(node, fenced, cancellationToken);
            foreach (var vm in moved)
            {
                if (vm.Target is { } target)
                    log.LogInformation("VM {Vm} of fenced node {Node} starts on {Target}", vm.Vm.Name, node, target);
                else
                    log.LogWarning("VM {Vm} of fenced node {Node} is stopped with autostart: {Reason}", vm.Vm.Name, node, vm.Reason);
            }
        }
        catch (PvcException e) when (e.ErrorId == PvcErrorIds.NodeNotDead)
        {
            log.LogInformation("{Message}", e.Message);
        }
    }

    /// <summary>
    /// Breaks the locks on a fenced node's VM's disks before it starts elsewhere. A failure is logged and the VM starts
    /// all the same, as in PVC: holding every VM of a dead node back for a Ceph that does not answer would turn one
    /// node's failure into an outage of all its VMs, and a lock still held shows as that VM's failed start.
    /// </summary>
    private async Task FlushLocksAsync(Core.Vms.Vm vm, CancellationToken cancellationToken)
    {
        try
        {
            await diskLocks!.FlushAsync(vm, cancellationToken);
        }
        catch (PvcException e)
        {
            log.LogError("VM {Vm}: its disks' locks could not be broken ({Message}); it is started elsewhere all the same", vm.Name, e.Message);
        }
    }

    /// <summary>The dead node's cluster tasks: handed over or failed; a failure here is logged and leaves the VMs' recovery standing.</summary>
    private async Task RecoverTasksAsync(string node, bool fenced, CancellationToken cancellationToken)
    {
        try
        {
            foreach (var outcome in await fence.RecoverTasksAsync(node, fenced, cancellationToken))
                log.LogWarning("Task {Id} ({Kind}) of dead node {Node}: {Outcome}", outcome.Task.Id, outcome.Task.Kind, node,
                    outcome.HandedTo is { } to ? $"handed to {to}" : outcome.Task.Error);
        }
        catch (Exception e) when (e is not OperationCanceledException && PvcException.From(e) is not null)
        {
            log.LogError("The cluster tasks of dead node {Node} could not be recovered: {Message}", node, e.Message);
        }
    }

    /// <summary>Waits on a watch for the node's daemon state to leave dead (its keepalive writes that it runs again).</summary>
    private Task<bool> CameBackAsync(string node, TimeSpan within, CancellationToken cancellationToken) =>
        fence.WaitLeftDeadAsync(node, within, cancellationToken);

    private async Task RaiseAsync(string id, int delta, string message, CancellationToken cancellationToken)
    {
        try
        {
            await cluster.Faults.RaiseAsync(id, delta, message, cancellationToken);
        }
        catch (PvcException e) when (e.Kind == PvcErrorKind.WriteConflict)
        {
            log.LogWarning("Could not record fault {Fault}: {Message}", id, e.Message);
        }
    }
}
