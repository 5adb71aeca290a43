using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Pvc.Core.Cluster;
using Pvc.Core.Connection;
using Pvc.Core.Nodes;
using Pvc.Core.Schema;
using Pvc.Core.Vms;
using Pvc.NodeService.Libvirt;

namespace Pvc.NodeService.Daemon;

// Both sides of a migration, as PVC 1.0.3's VMInstance.migrate_vm and receive_migrate, ordered on migrate_sync_lock
// (Core's MigrationHandshake): the sender moves the VM while it holds the lock, the receiver decides afterwards.
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
        var nodeLock = vms.NodeLock(Uuid);
        var stateLock = vms.StateLock(Uuid);
        var sync = vms.Handshake(Uuid);
        var syncLock = sync.NewLock();
        try
        {
            if (!await nodeLock.TryAcquireAsync(timeout, cancellationToken) || !await stateLock.TryAcquireAsync(timeout, cancellationToken))
            {
                await AbortMigrationAsync(name, stateVersion, "Timed out waiting for the VM's node and state locks", cancellationToken);
                return;
            }
            var placement = await vms.ReadPlacementAsync(Uuid, cancellationToken);
            if (placement.StateVersion != stateVersion || placement.Node != target)
                return; // changed since we looked: the watch makes us decide again
            if (target == placement.LastNode || target == _me)
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
            placement = await vms.ReadPlacementAsync(Uuid, cancellationToken);
            if (placement.StateVersion != stateVersion || placement.Node != target)
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
                switch (await MigrateLiveAsync(name, target, uri, maxDowntime, cancellationToken))
                {
                    case LiveMigrationOutcome.Migrated:
                        return; // the VM runs on the target now; the receiver writes start
                    case LiveMigrationOutcome.Left:
                        // reported failed, yet gone from here (rev15 P2-2): no abort to "start" here and no shutdown
                        // fallback, either of which would boot a second copy here beside the one on the target; the
                        // receiver decides from what runs there (or its unsent check starts it there)
                        log.LogWarning("VM {Name} left this node although its live migration to {Target} was reported failed: the receiver decides", name, target);
                        return;
                }
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
            var receiver = await vms.ReadDaemonStateAsync(target, cancellationToken);
            if (receiver.State != NodeDaemonState.Run)
            {
                await AbortMigrationAsync(name, stateVersion,
                    $"The receiving node {target} is {(receiver.Exists ? Wire.DaemonState.Describe(receiver.State) : "gone")}", cancellationToken);
                return;
            }
            log.LogInformation("Migrating VM {Name} to {Target} by shutdown", name, target);
            await StopGuestAsync(name, graceful: true, cancellationToken);
            if (!await vms.HandOverStoppedAsync(Uuid, stateVersion, target, receiver.Version, cancellationToken))
            {
                // the receiver was marked dead meanwhile (it will never start the VM, and the fencer may already have
                // decided about it), or the state changed: this node takes it back (it runs nowhere now) and starts it
                // again; the abort checks the VM's state version too, so a state someone else wrote stands
                await AbortMigrationAsync(name, stateVersion, $"The receiving node {target} left while the VM shut down for the move", cancellationToken);
            }
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
        var receiver = await vms.ReadDaemonStateAsync(target, cancellationToken);
        if (!receiver.Exists)
            return $"the target node {target} is not registered in the cluster";
        return receiver.State == NodeDaemonState.Run ? null : $"the target node {target} is {Wire.DaemonState.Describe(receiver.State)}, not run";
    }

    /// <summary>Lets a lock go; a failure is logged (the lock's node then goes with the session at the latest).</summary>
    private async Task ReleaseAsync(string name, ClusterLock held)
    {
        if (await held.ReleaseAsync() is { } failure)
            log.LogWarning("VM {Name}: letting go of the lock on {Path} failed: {Message}", name, held.Path, failure);
    }

    /// <summary>
    /// Up to three live attempts, as PVC (an unsupported hypervisor is not retried). A failed attempt is not taken for
    /// "the guest stayed here": a peer-to-peer job is libvirtd's, and it goes on when the call fails because this
    /// service's connection dropped (a keepalive timeout under a stall). A job still on the domain is aborted and waited
    /// for; then the guest's whereabouts decide: still here, failed (retried); gone, <see cref="LiveMigrationOutcome.Left"/>.
    /// </summary>
    private async Task<LiveMigrationOutcome> MigrateLiveAsync(string name, string target, string uri, TimeSpan maxDowntime, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var took = Stopwatch.StartNew();
            try
            {
                log.LogInformation("Migrating VM {Name} live to {Target} ({Uri}), attempt {Attempt}", name, target, uri, attempt);
                await Task.Run(() => hypervisor.Migrate(Uuid, uri, maxDowntime));
                log.LogInformation("Migrated VM {Name} live to {Target} in {Seconds:0.00} s", name, target, took.Elapsed.TotalSeconds);
                return LiveMigrationOutcome.Migrated;
            }
            catch (LibvirtException e)
            {
                log.LogWarning("Live migration of VM {Name} to {Target} failed: {Message}", name, target, e.Message);
                if (e.IsUnsupported)
                    return LiveMigrationOutcome.Failed;
                await EndOrphanedJobAsync(name, cancellationToken);
                if (!hypervisor.IsRunning(Uuid))
                    return LiveMigrationOutcome.Left;
                if (attempt >= LiveAttempts)
                    return LiveMigrationOutcome.Failed;
            }
            // a back-off between attempts, not a wait for a state: nothing to watch
            await Task.Delay(LiveRetryDelay, cancellationToken);
        }
    }

    /// <summary>
    /// After a failed live attempt: when libvirt still has a job on the domain here (the outgoing migration, carried on
    /// by libvirtd), asks it to stop and waits, on lifecycle events with a re-read each second, until it has ended one
    /// way or the other (cancelled: the guest stays; past its switch-over: the guest left).
    /// </summary>
    private async Task EndOrphanedJobAsync(string name, CancellationToken cancellationToken)
    {
        if (!hypervisor.HasActiveJob(Uuid))
            return;
        var timeout = config.MigrationPeerTimeout;
        log.LogWarning("VM {Name}: libvirt carries its migration on after the call failed: aborting the job and waiting up to {Seconds} s for it to end", name, timeout.TotalSeconds);
        hypervisor.AbortJob(Uuid);
        if (!await hypervisor.WaitJobEndedAsync(Uuid, timeout, TimeSpan.FromSeconds(1), cancellationToken))
            log.LogError("VM {Name}: libvirt's migration job still runs {Seconds} s after it was aborted", name, timeout.TotalSeconds);
    }

    /// <summary>
    /// PVC's abort_migrate: the VM stays here and runs, and the request is undone. The receiver's announcement goes
    /// too (a receiver still waiting clears it anyway): one left by a receiver that died would make a later "stop" of
    /// this VM look like a hand-over to a fencer recovering that node.
    /// </summary>
    private async Task AbortMigrationAsync(string name, int stateVersion, string reason, CancellationToken cancellationToken)
    {
        log.LogWarning("Aborted migration of VM {Name}: {Reason}", name, reason);
        // a state someone else wrote meanwhile stands (nothing written): the watch decides again
        await vms.AbortMigrationAsync(Uuid, stateVersion, _settledLastNode, cancellationToken);
    }

    /// <summary>
    /// The receiver: announces itself in migrate_sync_lock, holds the lock until the sender has queued behind it
    /// (phase A), queues again behind the sender (phase B) and, once the sender is done, decides from what runs here
    /// and what the state says, clearing the key in the same transaction.
    /// </summary>
    private async Task ReceiveAsync(string name, string? source, CancellationToken cancellationToken)
    {
        var timeout = config.MigrationPeerTimeout;
        var sync = vms.Handshake(Uuid);
        log.LogInformation("Receiving VM {Name} from {Source}", name, source ?? "its node");
        var unsent = await vms.BeginUnsentCheckAsync(Uuid, cancellationToken);
        await sync.AnnounceAsync(cancellationToken);
        // the sender holds the lock while it sends: its handshake and checks (peer timeout), its live attempts, or a
        // shutdown of up to vm_shutdown_timeout. Past that, the lock is taken by something that will not let go (a
        // lock node whose release was lost while its session lives on), and waiting on it would keep this VM's instance
        // from acting on anything else: phase B gives up, withdraws the announcement, and decides again from the state.
        var limit = timeout + config.VmShutdownTimeout + timeout;
        var phaseA = sync.NewLock();
        var phaseB = sync.NewLock();
        Task<bool> phaseBHeld;
        if (await phaseA.TryAcquireAsync(timeout, cancellationToken))
        {
            try
            {
                var why = await sync.WaitForSenderQueuedAsync(phaseA, SenderDoneAsync, timeout, cancellationToken);
                if (why == MigrationHandshake.ReceiverWait.TimedOut)
                    log.LogWarning("VM {Name}: no sender came for the migration within {Seconds} s", name, timeout.TotalSeconds);
                // queued again behind the sender before phase A goes: a sender quick enough to finish in between (a
                // shutdown on the test driver is instant) would otherwise leave a "stop" with no receiver's lock node
                // on the key, which a client waiting for the hand-over reads as a VM that is really stopped
                phaseBHeld = await phaseB.QueueAsync(limit, cancellationToken);
            }
            finally
            {
                await ReleaseAsync(name, phaseA);
            }
        }
        else
        {
            log.LogWarning("VM {Name}: migrate_sync_lock stayed taken for {Seconds} s", name, timeout.TotalSeconds);
            phaseBHeld = phaseB.TryAcquireAsync(limit, cancellationToken);
        }

        if (!await phaseBHeld)
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
        var placement = await vms.ReadPlacementAsync(Uuid, cancellationToken);
        return !placement.IsMigrating || placement.Node != _me || hypervisor.IsRunning(Uuid);
    }

    private async Task DecideReceivedAsync(string name, MigrationHandshake sync, UnsentMigrationCheck unsent, CancellationToken cancellationToken)
    {
        // a guest still coming in (libvirt has it paused for the migration) has not arrived: its sender's QEMU runs it
        // until libvirt resumes it here, and the sender's libvirtd may go on with the migration after the sender's node
        // service died (which is what let this phase go). Counted as received, it would be written "start" here, and
        // a migration that then fails leaves the sender running it and this node starting a second copy (rev13, O2).
        // libvirt ends the migration one way or the other: wait for that, then decide from what it left.
        if (hypervisor.IsPausedForMigration(Uuid))
        {
            log.LogInformation("VM {Name} is still coming in (libvirt has it paused for the migration): waiting up to {Seconds} s for libvirt to end the migration", name, config.MigrationPeerTimeout.TotalSeconds);
            if (!await hypervisor.WaitMigrationEndedAsync(Uuid, config.MigrationPeerTimeout, TimeSpan.FromSeconds(1), cancellationToken))
                log.LogWarning("VM {Name} is still paused here for its migration after {Seconds} s: not counted as received", name, config.MigrationPeerTimeout.TotalSeconds);
        }
        var placement = await vms.ReadPlacementAsync(Uuid, cancellationToken);
        var here = hypervisor.IsPausedForMigration(Uuid) ? null : hypervisor.State(Uuid);
        // PVC clears the key after releasing the lock; here it goes with the decision, in one transaction, so that
        // the announcement of a receiver of the next migration (which can only follow this state) is never wiped out
        var decided = false;
        if (here is DomainState.Running or DomainState.Paused or DomainState.Blocked)
        {
            log.LogInformation("Received VM {Name}: it runs here", name);
            if (placement.Node == _me)
                decided = await vms.CompleteReceiveAsync(Uuid, placement.StateVersion, cancellationToken);
        }
        else if (here is not null)
        {
            log.LogWarning("Failed to receive VM {Name}: libvirt has it {State}", name, here);
            decided = await vms.FailReceiveAsync(Uuid, placement.StateVersion, "Failed to receive migration", cancellationToken);
        }
        else if (placement.Node == _me)
        {
            switch (placement.State)
            {
                case VmState.Start:
                    log.LogWarning("Receive of VM {Name} aborted via state change", name);
                    break;
                // a hand-over by shutdown leaves this receiver's announcement standing; a client's stop clears it (the
                // soak, seed 453098: a VM released to its receiver after its sender died, then stopped by a client, was
                // started here). A stop written after this read changes the state's version, which the commit checks.
                case VmState.Stop when await sync.IsAnnouncedAsync(cancellationToken):
                    log.LogInformation("VM {Name} was shut down on its old node for the move; starting it here", name);
                    decided = await vms.CompleteReceiveAsync(Uuid, placement.StateVersion, cancellationToken);
                    break;
                case VmState.Stop:
                    log.LogInformation("VM {Name} was stopped while it came here: it stays stopped", name);
                    break;
                case VmState.Migrate or VmState.MigrateLive:
                    // no sender came; left as it is, the VM would stay "migrate" for good when no node runs it
                    if (await unsent.WhoMayRunItAsync(cancellationToken) is { } mayRun)
                    {
                        log.LogWarning("Migration of VM {Name} aborted or failed; its state is {State}, and it is left so: {Why}", name, Wire.VmState.Describe(placement.State), mayRun);
                        break;
                    }
                    log.LogWarning("VM {Name} migrates here but no sender came and no other node runs it; starting it here", name);
                    decided = await vms.CompleteReceiveAsync(Uuid, placement.StateVersion, cancellationToken);
                    break;
                default:
                    log.LogWarning("Migration of VM {Name} aborted or failed; its state is {State}", name, Wire.VmState.Describe(placement.State));
                    break;
            }
        }
        // nothing decided, or someone changed the state meanwhile (theirs stands, and the watch decides again)
        if (!decided)
            await sync.ClearAsync(cancellationToken);
    }

    /// <summary>
    /// A VM assigned here and "stop" with migrate_sync_lock still naming it was handed over by shutdown: its sender shut it
    /// down for this node, which had announced itself and was to start it, but whose receive ended before its decision
    /// (its session expired, its service restarted): nobody would start it. Started here once no contender is left on
    /// the lock (a receiver or sender still at work decides itself; the watch wakes this when they are gone). A client's
    /// stop clears the key, so it never reads as a hand-over.
    /// </summary>
    private async Task FinishHandOverAsync(HostedVm vm, CancellationToken cancellationToken)
    {
        _changed ??= Wake;
        if (!await vms.Handshake(Uuid).IsAbandonedHandOverAsync(_changed, cancellationToken))
            return;
        log.LogInformation("VM {Name} was shut down on its old node for the move and its receive here never ended; starting it here", vm.Name);
        // false: someone changed the state meanwhile; theirs stands, and the watch decides again
        await vms.CompleteReceiveAsync(Uuid, vm.StateVersion, cancellationToken);
    }

    private static TimeSpan Remaining(TimeSpan timeout, Stopwatch elapsed) =>
        timeout - elapsed.Elapsed is var left && left > TimeSpan.Zero ? left : TimeSpan.Zero;
}
