using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Logging;
using Pvc.Core.Reading;
using Pvc.Core.Schema;
using Pvc.Core.Vms;
using Pvc.NodeService.Libvirt;
using Pvc.ZooKeeper;
using Pvc.ZooKeeper.Recipes;

namespace Pvc.NodeService.Daemon;

// Both sides of a migration, as PVC 1.0.3's VMInstance.migrate_vm and receive_migrate, ordered on migrate_sync_lock
// (see MigrationSyncLock): the sender moves the VM while it holds the lock, the receiver decides afterwards.
internal sealed partial class VmInstance
{
    private static readonly TimeSpan LiveRetryDelay = TimeSpan.FromMilliseconds(500);
    private const int LiveAttempts = 3;

    /// <summary>The VM's last node before the migration request (PVC's last_lastnode), restored by an abort.</summary>
    private string? _settledLastNode;

    /// <summary>
    /// The sender: with the VM's node and state locked (as PVC, so that PVC's clients wait), waits for the receiver on
    /// migrate_sync_lock, then migrates live (when <c>node.migration_uri</c> is set and the method allows it) or by
    /// shutdown, and lets the receiver decide. Any failure before the VM has left puts it back to start here.
    /// </summary>
    private async Task SendAsync(string name, VmState state, int stateVersion, string target, MigrationMethod method, TimeSpan maxDowntime,
        CancellationToken cancellationToken)
    {
        var timeout = config.MigrationPeerTimeout;
        var liveOnly = state == VmState.MigrateLive || method == MigrationMethod.Live;
        var nodeLock = new ZooKeeperLock(zk, P(DomainKeys.Node), LockKind.Exclusive, _me);
        var stateLock = new ZooKeeperLock(zk, P(DomainKeys.State), LockKind.Exclusive, _me);
        var sync = new MigrationSyncLock(zk, Uuid, _me);
        var syncLock = sync.NewLock();
        try
        {
            if (!await nodeLock.TryAcquireAsync(timeout, cancellationToken) || !await stateLock.TryAcquireAsync(timeout, cancellationToken))
            {
                await AbortMigrationAsync(name, stateVersion, "Timed out waiting for the VM's node and state locks", cancellationToken);
                return;
            }
            var (_, version, node, lastNode) = await ReadPlacementAsync(cancellationToken);
            if (version != stateVersion || node != target)
                return; // changed since we looked: the watch makes us decide again
            if (target == lastNode || target == _me)
            {
                await AbortMigrationAsync(name, stateVersion, "Target node matches the current active node during initial check", cancellationToken);
                return;
            }
            // the node key may have been written straight into ZooKeeper: the VM's memory goes only to a registered
            // node that runs, under its registered name, checked as a host name before it is put into a URI
            if (await TargetProblemAsync(target, cancellationToken) is { } problem)
            {
                await AbortMigrationAsync(name, stateVersion, problem, cancellationToken);
                return;
            }

            log.LogInformation("Migrating VM {Name} to {Target}: waiting for it on migrate_sync_lock", name, target);
            var waiting = Stopwatch.StartNew();
            if (!await sync.WaitForReceiverAsync(timeout, cancellationToken) ||
                !await syncLock.TryAcquireAsync(Remaining(timeout, waiting), cancellationToken))
            {
                await AbortMigrationAsync(name, stateVersion, "Timed out waiting for peer", cancellationToken);
                return;
            }
            // PVC's final check, plus one of ours: the receiver still waits (a PVC receiver gives up after its fixed delays)
            (_, version, node, _) = await ReadPlacementAsync(cancellationToken);
            if (version != stateVersion || node != target)
            {
                await AbortMigrationAsync(name, stateVersion, "Target node changed during preparation", cancellationToken);
                return;
            }
            if (!await sync.IsAnnouncedAsync(cancellationToken))
            {
                await AbortMigrationAsync(name, stateVersion, "The receiving node stopped waiting", cancellationToken);
                return;
            }

            if (method != MigrationMethod.Shutdown && config.MigrationUriTemplate is { } template)
            {
                var uri = template.Replace("{node}", target, StringComparison.Ordinal);
                if (await MigrateLiveAsync(name, target, uri, maxDowntime))
                    return; // the VM runs on the target now; the receiver writes start
            }
            if (liveOnly)
            {
                await AbortMigrationAsync(name, stateVersion, "Live migration failed and VM is forced to live migrate", cancellationToken);
                return;
            }
            // shutdown migration: the VM stops here before the receiver starts it, so it never runs twice; "stop" is what
            // tells the receiver (PVC's too) that it was handed over this way. Only to a receiver that still runs: one
            // that died after the hand-shake (its lock node gone with its session, its announcement left) would never
            // start it, and a VM written "stop" on a dead node is one nobody runs.
            var (receiver, receiverVersion) = await ReceiverStateAsync(target, cancellationToken);
            if (receiver != "run")
            {
                await AbortMigrationAsync(name, stateVersion, $"The receiving node {target} is {receiver}", cancellationToken);
                return;
            }
            log.LogInformation("Migrating VM {Name} to {Target} by shutdown", name, target);
            await StopGuestAsync(name, graceful: true, cancellationToken);
            await HandOverStoppedAsync(name, stateVersion, target, receiverVersion, cancellationToken);
        }
        finally
        {
            // each on its own: one release that failed must not leave the other locks held
            await ReleaseAsync(name, syncLock);
            await ReleaseAsync(name, stateLock);
            await ReleaseAsync(name, nodeLock);
        }
    }

    /// <summary>
    /// Why <paramref name="target"/> may not receive a VM, or null: it must be a node name (a host name, nothing a URI
    /// or a znode path would read otherwise), registered under /nodes, and running (daemon state "run").
    /// </summary>
    private async Task<string?> TargetProblemAsync(string target, CancellationToken cancellationToken)
    {
        if (!Core.Nodes.NodeName.IsValid(target))
            return $"the target '{string.Concat(target.Select(c => char.IsControl(c) ? '?' : c))}' is not a node name ({Core.Nodes.NodeName.Rule})";
        var registered = LockNodes.Without((await zk.GetChildrenAsync(BaseKeys.Nodes, cancellationToken: cancellationToken)).Children);
        if (!registered.Contains(target, StringComparer.Ordinal))
            return $"the target node {target} is not registered in the cluster";
        var (state, _) = await ReceiverStateAsync(target, cancellationToken);
        return state == "run" ? null : $"the target node {target} is {state}, not run";
    }

    /// <summary>Lets a lock go; a failure is logged (the lock's node then goes with the session at the latest).</summary>
    private async Task ReleaseAsync(string name, ZooKeeperLock held)
    {
        try
        {
            await held.ReleaseAsync();
        }
        catch (ZooKeeperException e)
        {
            log.LogWarning("VM {Name}: letting go of the lock on {Path} failed: {Message}", name, held.Path, e.Message);
        }
    }

    /// <summary>Up to three live attempts, as PVC; false when none worked (an unsupported hypervisor is not retried).</summary>
    private async Task<bool> MigrateLiveAsync(string name, string target, string uri, TimeSpan maxDowntime)
    {
        for (var attempt = 1; ; attempt++)
        {
            var took = Stopwatch.StartNew();
            try
            {
                log.LogInformation("Migrating VM {Name} live to {Target} ({Uri}), attempt {Attempt}", name, target, uri, attempt);
                await Task.Run(() => hypervisor.Migrate(Uuid, uri, maxDowntime));
                log.LogInformation("Migrated VM {Name} live to {Target} in {Seconds:0.00} s", name, target, took.Elapsed.TotalSeconds);
                return true;
            }
            catch (LibvirtException e)
            {
                log.LogWarning("Live migration of VM {Name} to {Target} failed: {Message}", name, target, e.Message);
                if (e.IsUnsupported || attempt >= LiveAttempts || !hypervisor.IsRunning(Uuid))
                    return false;
            }
            // a back-off between attempts, not a wait for a state: nothing to watch
            await Task.Delay(LiveRetryDelay);
        }
    }

    /// <summary>The receiver's daemon state and its version (a node that is not registered reads as "gone").</summary>
    private async Task<(string State, int Version)> ReceiverStateAsync(string target, CancellationToken cancellationToken)
    {
        try
        {
            var read = await zk.GetDataAsync(NodeKeys.Path(target, NodeKeys.DaemonState), cancellationToken: cancellationToken);
            return (Encoding.UTF8.GetString(read.Data), read.Stat.Version);
        }
        catch (NoNodeException)
        {
            return ("gone", -1);
        }
    }

    /// <summary>
    /// Writes "stop" for the receiver, on condition that the receiver's daemon state is still the "run" read before the
    /// shutdown: a receiver marked dead meanwhile will never start the VM, and the fencer may already have decided
    /// about it, so this node takes it back (it runs nowhere now) and starts it again.
    /// </summary>
    private async Task HandOverStoppedAsync(string name, int stateVersion, string target, int receiverVersion, CancellationToken cancellationToken)
    {
        try
        {
            await zk.MultiAsync([Op.Check(P(DomainKeys.State), stateVersion), Op.Check(NodeKeys.Path(target, NodeKeys.DaemonState), receiverVersion),
                Op.SetData(P(DomainKeys.State), Encoding.UTF8.GetBytes(Wire.VmState.Encode(VmState.Stop)))], cancellationToken);
        }
        catch (ZooKeeperException e) when (e is BadVersionException or NoNodeException)
        {
            // the abort checks the VM's state version too: a state someone else wrote stands
            await AbortMigrationAsync(name, stateVersion, $"The receiving node {target} left while the VM shut down for the move", cancellationToken);
        }
    }

    /// <summary>
    /// PVC's abort_migrate: the VM stays here and runs, and the request is undone. The receiver's announcement goes
    /// too (a receiver still waiting clears it anyway): one left by a receiver that died would make a later "stop" of
    /// this VM look like a hand-over to a fencer recovering that node.
    /// </summary>
    private async Task AbortMigrationAsync(string name, int stateVersion, string reason, CancellationToken cancellationToken)
    {
        var lastNode = _settledLastNode ?? "";
        log.LogWarning("Aborted migration of VM {Name}: {Reason}", name, reason);
        try
        {
            await zk.MultiAsync([Op.Check(P(DomainKeys.State), stateVersion), Op.SetData(P(DomainKeys.State), "start"u8.ToArray()),
                Op.SetData(P(DomainKeys.Node), Encoding.UTF8.GetBytes(_me)), Op.SetData(P(DomainKeys.LastNode), Encoding.UTF8.GetBytes(lastNode)),
                Op.SetData(P(DomainKeys.MigrateSyncLock), ""u8.ToArray())], cancellationToken);
        }
        catch (BadVersionException)
        {
            // someone changed the state meanwhile: the watch decides again
        }
    }

    /// <summary>
    /// The receiver: announces itself in migrate_sync_lock, holds the lock until the sender has queued behind it
    /// (phase A), queues again behind the sender (phase B) and, once the sender is done, decides from what runs here
    /// and what the state says, clearing the key in the same transaction.
    /// </summary>
    private async Task ReceiveAsync(string name, string source, CancellationToken cancellationToken)
    {
        var timeout = config.MigrationPeerTimeout;
        var sync = new MigrationSyncLock(zk, Uuid, _me);
        log.LogInformation("Receiving VM {Name} from {Source}", name, source.Length == 0 ? "its node" : source);
        var unsent = await UnsentMigrationCheck.BeginAsync(zk, Uuid, _me, cancellationToken);
        await sync.AnnounceAsync(cancellationToken);
        var phaseA = sync.NewLock();
        if (await phaseA.TryAcquireAsync(timeout, cancellationToken))
        {
            MigrationSyncLock.ReceiverWait why;
            try
            {
                why = await sync.WaitForSenderQueuedAsync(phaseA, SenderDoneAsync, timeout, cancellationToken);
            }
            finally
            {
                await phaseA.ReleaseAsync();
            }
            if (why == MigrationSyncLock.ReceiverWait.TimedOut)
                log.LogWarning("VM {Name}: no sender came for the migration within {Seconds} s", name, timeout.TotalSeconds);
        }
        else
        {
            log.LogWarning("VM {Name}: migrate_sync_lock stayed taken for {Seconds} s", name, timeout.TotalSeconds);
        }

        // the sender holds the lock while it sends: its handshake and checks (peer timeout), its live attempts, or a
        // shutdown of up to vm_shutdown_timeout. Past that, the lock is taken by something that will not let go (a
        // lock node whose release was lost while its session lives on), and waiting on it would keep this VM's instance
        // from acting on anything else: give up, withdraw the announcement, and decide again from the VM's state.
        var phaseB = sync.NewLock();
        var limit = timeout + config.VmShutdownTimeout + timeout;
        if (!await phaseB.TryAcquireAsync(limit, cancellationToken))
        {
            log.LogWarning("VM {Name}: migrate_sync_lock was kept from this receiver for {Seconds:0} s; withdrawing, and looking at the VM again", name, limit.TotalSeconds);
            await sync.ClearAsync(cancellationToken);
            _wake.Set();
            return;
        }
        try
        {
            await DecideReceivedAsync(name, sync, unsent, cancellationToken);
        }
        finally
        {
            await ReleaseAsync(name, phaseB);
        }
        _wake.Set(); // look again: a VM handed over by shutdown is started now
    }

    /// <summary>True when the sender has finished or given up: the VM runs here, or its state or node moved on.</summary>
    private async Task<bool> SenderDoneAsync(CancellationToken cancellationToken)
    {
        var (state, _, node, _) = await ReadPlacementAsync(cancellationToken);
        return state is not (VmState.Migrate or VmState.MigrateLive) || node != _me || hypervisor.IsRunning(Uuid);
    }

    private async Task DecideReceivedAsync(string name, MigrationSyncLock sync, UnsentMigrationCheck unsent, CancellationToken cancellationToken)
    {
        var (state, version, node, _) = await ReadPlacementAsync(cancellationToken);
        var here = hypervisor.State(Uuid);
        Op[] decision = [];
        if (here is DomainState.Running or DomainState.Paused or DomainState.Blocked)
        {
            log.LogInformation("Received VM {Name}: it runs here", name);
            if (node == _me)
                decision = [Op.SetData(P(DomainKeys.State), "start"u8.ToArray())];
        }
        else if (here is not null)
        {
            log.LogWarning("Failed to receive VM {Name}: libvirt has it {State}", name, here);
            decision = [Op.SetData(P(DomainKeys.State), "fail"u8.ToArray()), Op.SetData(P(DomainKeys.FailedReason), "Failed to receive migration"u8.ToArray())];
        }
        else if (node == _me)
        {
            switch (state)
            {
                case VmState.Start:
                    log.LogWarning("Receive of VM {Name} aborted via state change", name);
                    break;
                case VmState.Stop:
                    log.LogInformation("VM {Name} was shut down on its old node for the move; starting it here", name);
                    decision = [Op.SetData(P(DomainKeys.State), "start"u8.ToArray())];
                    break;
                case VmState.Migrate or VmState.MigrateLive:
                    // no sender came; left as it is, the VM would stay "migrate" for good when no node runs it
                    if (await unsent.WhoMayRunItAsync(cancellationToken) is { } mayRun)
                    {
                        log.LogWarning("Migration of VM {Name} aborted or failed; its state is {State}, and it is left so: {Why}", name, Wire.VmState.Encode(state), mayRun);
                        break;
                    }
                    log.LogWarning("VM {Name} migrates here but no sender came and no other node runs it; starting it here", name);
                    decision = [Op.SetData(P(DomainKeys.State), "start"u8.ToArray())];
                    break;
                default:
                    log.LogWarning("Migration of VM {Name} aborted or failed; its state is {State}", name, Wire.VmState.Encode(state));
                    break;
            }
        }

        // PVC clears the key after releasing the lock; here it goes with the decision, in one transaction, so that
        // the announcement of a receiver of the next migration (which can only follow this state) is never wiped out
        if (decision.Length > 0)
        {
            try
            {
                await zk.MultiAsync([Op.Check(P(DomainKeys.State), version), .. decision, Op.SetData(sync.Path, ""u8.ToArray())], cancellationToken);
                return;
            }
            catch (BadVersionException)
            {
                // someone changed the state meanwhile: theirs stands, and the watch decides again
            }
        }
        await sync.ClearAsync(cancellationToken);
    }

    /// <summary>
    /// A VM assigned here and "stop" with migrate_sync_lock still naming it was handed over by shutdown: its sender shut it
    /// down for this node, which had announced itself and was to start it, but whose receive ended before its decision
    /// (its session expired, its service restarted): nobody would start it. Started here once no contender is left on
    /// the lock (a receiver or sender still at work decides itself; the watch wakes this when they are gone). A client's
    /// stop clears the key, so it never reads as a hand-over.
    /// </summary>
    private async Task FinishHandOverAsync(string name, int stateVersion, CancellationToken cancellationToken)
    {
        var sync = new MigrationSyncLock(zk, Uuid, _me);
        try
        {
            var contenders = await zk.GetChildrenAsync(sync.Path, _watcher, cancellationToken);
            if (!await sync.IsAnnouncedAsync(cancellationToken) || contenders.Children.Any(LockNodes.IsLockNode))
                return;
        }
        catch (NoNodeException)
        {
            return; // a VM without the key (defined by an older PVC): nothing was handed over
        }
        log.LogInformation("VM {Name} was shut down on its old node for the move and its receive here never ended; starting it here", name);
        try
        {
            await zk.MultiAsync([Op.Check(P(DomainKeys.State), stateVersion), Op.SetData(P(DomainKeys.State), "start"u8.ToArray()),
                Op.SetData(sync.Path, ""u8.ToArray())], cancellationToken);
        }
        catch (BadVersionException)
        {
            // someone changed the state meanwhile: theirs stands, and the watch decides again
        }
    }

    private async Task<(VmState State, int StateVersion, string? Node, string? LastNode)> ReadPlacementAsync(CancellationToken cancellationToken)
    {
        var batch = new ZnodeBatch(zk);
        foreach (var key in new[] { DomainKeys.State, DomainKeys.Node, DomainKeys.LastNode })
            batch.Data(P(key));
        await batch.ReadAsync(cancellationToken);
        return (Wire.VmState.Decode(batch.Text(P(DomainKeys.State)) ?? ""), batch.StatOf(P(DomainKeys.State))?.Version ?? -1,
            PvcText.Decode(batch.Text(P(DomainKeys.Node))), PvcText.Decode(batch.Text(P(DomainKeys.LastNode))));
    }

    private static TimeSpan Remaining(TimeSpan timeout, Stopwatch elapsed) =>
        timeout - elapsed.Elapsed is var left && left > TimeSpan.Zero ? left : TimeSpan.Zero;
}
