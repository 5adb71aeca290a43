using System.Text;
using Pvc.Core.Errors;
using Pvc.Core.Reading;
using Pvc.Core.Schema;
using Pvc.ZooKeeper;

namespace Pvc.Core.Vms;

// Waiting for the node to carry out a change, on watches with a deadline.
public sealed partial class VmOperations
{
    /// <summary>The states a node is still working on (PVC's --wait loops on these).</summary>
    public static bool IsTransitional(VmState state) =>
        state is VmState.Restart or VmState.Shutdown or VmState.Migrate or VmState.MigrateLive or VmState.Unmigrate;

    /// <summary>
    /// Waits until the VM's node has finished: the state is no longer restart, shutdown or migrate, and no shutdown
    /// migration is half done (see below). A VM that ends in "fail" is an error carrying its failed reason.
    /// </summary>
    public async Task<VmState> WaitSettledAsync(VmRef vm, TimeSpan timeout, Action<VmState>? progress = null, CancellationToken cancellationToken = default)
    {
        WaitTimeout.Validate(timeout, vm.Name);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        TimeSpan Left() => timeout - waited.Elapsed is var left && left > TimeSpan.Zero ? left : TimeSpan.Zero;
        VmState state;
        while (true)
        {
            state = await VmStateWaiter.WaitAsync(Zk, vm, s => !IsTransitional(s), Left(), progress, cancellationToken);
            if (state != VmState.Stop)
                break;
            // a shutdown migration passes through "stop" before its receiver writes "start": PVC's own --wait ends at
            // that "stop"; this one waits for the receiver's decision (the hand-shake's own reading of the key)
            var changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var probe = await new MigrationHandshake(cluster, vm.Uuid, "").ProbeHandOverAsync(() => changed.TrySetResult(), cancellationToken);
            if (probe == MigrationHandshake.HandOverProbe.StateMovedOn)
                continue;
            if (probe == MigrationHandshake.HandOverProbe.NotHandingOver)
                break;
            try
            {
                await changed.Task.WaitAsync(Left(), cancellationToken);
            }
            catch (TimeoutException)
            {
                throw new PvcException(PvcErrorKind.OperationTimeout, PvcErrorIds.WaitTimeout, $"The VM '{vm.Name}' is still being handed over to its new node after {timeout.TotalSeconds:0.#} s.") { Target = vm.Name };
            }
        }
        if (state == VmState.Fail)
            await ThrowFailedAsync(vm, cancellationToken);
        return state;
    }

    /// <summary>Waits until the VM runs on its node (the node lists it among its running VMs); "fail" is an error.</summary>
    public Task WaitRunningAsync(VmRef vm, TimeSpan timeout, Action<VmState>? progress = null, CancellationToken cancellationToken = default)
        => WaitRunningAsync(vm, timeout, overtakenIsError: false, progress, cancellationToken);

    // overtakenIsError, after a start: a stop, shutdown or disable written meanwhile is an error ("VmNotStarted") at
    // once, since no node will start the VM any more; otherwise only "fail" ends the wait early.
    private async Task WaitRunningAsync(VmRef vm, TimeSpan timeout, bool overtakenIsError, Action<VmState>? progress, CancellationToken cancellationToken)
    {
        WaitTimeout.Validate(timeout, vm.Name);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        VmState ended = VmState.Unknown;
        var failed = VmStateWaiter.WaitAsync(Zk, vm, s =>
        {
            if (s == VmState.Fail || (overtakenIsError && s is VmState.Stop or VmState.Shutdown or VmState.Disable))
            {
                ended = s;
                return true;
            }
            return false;
        }, timeout, progress, stop.Token);
        var node = await ReadAsync(vm, cancellationToken, DomainKeys.Node);
        var nodeName = PvcText.Decode(node[P(vm, DomainKeys.Node)]) ?? throw new PvcException(PvcErrorKind.InvalidData, PvcErrorIds.VmWithoutNode, $"The VM '{vm.Name}' has no node.") { Target = vm.Name };
        var uuid = DomainKeys.Format(vm.Uuid);
        var running = ZnodeWaiter.WaitAsync(Zk, Schema.NodeKeys.Path(nodeName, Schema.NodeKeys.RunningDomains),
            text => PvcList.DecodeSpace(text).Contains(uuid), found => found, timeout, null,
            () => new PvcException(PvcErrorKind.NotFound, PvcErrorIds.NodeNotFound, $"The VM '{vm.Name}''s node '{nodeName}' does not exist.") { Target = vm.Name },
            _ => new PvcException(PvcErrorKind.OperationTimeout, PvcErrorIds.WaitTimeout, $"The VM '{vm.Name}' is not running on '{nodeName}' after {timeout.TotalSeconds:0.#} s; is the node's service running?") { Target = vm.Name },
            stop.Token);
        var first = await Task.WhenAny(failed, running);
        await stop.CancelAsync();
        if (first == failed && failed.IsCompletedSuccessfully && ended != VmState.Fail)
            throw new PvcException(PvcErrorKind.InvalidOperation, PvcErrorIds.VmNotStarted,
                $"The VM '{vm.Name}' was not started: another change overtook the start and it is now {Schema.Wire.VmState.Describe(ended)}.") { Target = vm.Name };
        if (first == failed && failed.IsCompletedSuccessfully)
            await ThrowFailedAsync(vm, cancellationToken);
        await first; // rethrows a timeout or a missing node
    }

    /// <summary>Waits until no node lists the VM among its running VMs (its node has stopped it).</summary>
    public async Task WaitStoppedAsync(VmRef vm, TimeSpan timeout, Action<VmState>? progress = null, CancellationToken cancellationToken = default)
    {
        WaitTimeout.Validate(timeout, vm.Name);
        var read = await ReadAsync(vm, cancellationToken, DomainKeys.Node, DomainKeys.State);
        var nodeName = PvcText.Decode(read[P(vm, DomainKeys.Node)]);
        progress?.Invoke(StateOf(read, vm));
        if (nodeName is null)
            return;
        var uuid = DomainKeys.Format(vm.Uuid);
        await ZnodeWaiter.WaitAsync(Zk, Schema.NodeKeys.Path(nodeName, Schema.NodeKeys.RunningDomains),
            text => PvcList.DecodeSpace(text).Contains(uuid), running => !running, timeout, null,
            () => new PvcException(PvcErrorKind.NotFound, PvcErrorIds.NodeNotFound, $"The VM '{vm.Name}''s node '{nodeName}' does not exist.") { Target = vm.Name },
            _ => new PvcException(PvcErrorKind.OperationTimeout, PvcErrorIds.WaitTimeout, $"The VM '{vm.Name}' still runs on '{nodeName}' after {timeout.TotalSeconds:0.#} s; is the node's service running?") { Target = vm.Name },
            cancellationToken);
    }

    private async Task ThrowFailedAsync(VmRef vm, CancellationToken cancellationToken)
    {
        var data = await Zk.GetDataAsync(P(vm, DomainKeys.FailedReason), cancellationToken: cancellationToken);
        var reason = Encoding.UTF8.GetString(data.Data);
        throw new PvcException(PvcErrorKind.InvalidOperation, PvcErrorIds.VmFailed, $"The VM '{vm.Name}' failed: {(reason.Length == 0 ? "its node gave no reason" : reason)}") { Target = vm.Name };
    }
}
