using Pvc.Core.Errors;
using Pvc.Core.Schema;
using Pvc.Core.Tasks;
using Pvc.ZooKeeper;

namespace Pvc.Core.Vms;

// Writing a VM's new definition, and changing a running VM on its node first when the change can be made live
// (PVC's --live: libvirt's attach/detach device, set vCPUs, set memory on the running domain).
public sealed partial class VmOperations
{
    /// <summary>
    /// How long after its submission a live change may still be started on the VM's node (its <see cref="VmLiveChange.NotAfter"/>):
    /// a task that reaches the node later changes nothing (measured on ZooKeeper's clock: the node's and the client's clocks
    /// need not agree). The client waits this long and <see cref="LiveChangeGrace"/> more.
    /// </summary>
    public static TimeSpan LiveChangeTimeout { get; } = TimeSpan.FromSeconds(60);

    /// <summary>How long the client waits past a live change's deadline, for a change the node started just before it to end.</summary>
    public static TimeSpan LiveChangeGrace { get; } = TimeSpan.FromSeconds(30);

    /// <summary>How many times the commit after a live change is made when another record its checks name changed meanwhile (see WriteXmlAsync's recheck).</summary>
    private const int LiveCommitAttempts = 3;

    /// <summary>Called (by tests) once the node has made a live change and before its XML is committed.</summary>
    internal Func<VmRef, CancellationToken, Task>? LiveChangeMade { get; set; }

    /// <summary>
    /// Writes a VM's new XML built from what <paramref name="read"/> holds (its state, node and XML, with their versions):
    /// the checks of <see cref="ModifyAsync"/> (the node's size only when the VM grows), then one transaction. With <paramref name="live"/>, a running VM (not
    /// restarted) gets the change from its node first, as a <see cref="ClusterTaskKinds.VmLiveChange"/> task: the XML is
    /// written only once libvirt has made it, so a change libvirt refuses leaves the stored XML as it was. A hypervisor
    /// that cannot make such a change live at all ("LiveChangeUnsupported") gets it at the next restart instead.
    /// </summary>
    /// <remarks>
    /// The commit checks the versions read before the node's change: when another change of the VM was written meanwhile
    /// (two live changes at once), this one is undone on the running VM (<paramref name="undo"/>, by default
    /// <see cref="VmLiveChange.Inverse"/>) and nothing is written, so the running VM and its stored XML stay alike.
    /// With <paramref name="recheck"/>, a commit that failed after the live change first reads again what
    /// <paramref name="extra"/> checks of other records and gets new checks (null: the change no longer holds): the
    /// commit is made again with them (at most <see cref="LiveCommitAttempts"/> commits in all, the VM's own keys still
    /// checked at the versions read), rather than undoing on the running VM a change an unrelated write made fail.
    /// </remarks>
    /// <exception cref="PvcException">InvalidOperation "LiveChangeRefused" (libvirt's reason in the message); WriteConflict (the change was undone on the running VM, or the message says it could not be); the task store's and the wait's refusals.</exception>
    private async Task<VmChangeEffect> WriteXmlAsync(VmRef vm, Reading.VersionedKeys read, string newXml, bool restart, CancellationToken cancellationToken, VmLiveChange? live = null, VmLiveChange? undo = null, IEnumerable<Op>? extra = null,
        Func<CancellationToken, Task<IReadOnlyList<Op>?>>? recheck = null)
    {
        var (xml, uses) = ParseForWrite(newXml);
        var allowed = await RequireAllowedAsync(xml, uses, cancellationToken);
        var nodes = (await PlacementAsync(cancellationToken)).Nodes;
        var nodeName = PvcText.Decode(read[P(vm, DomainKeys.Node)]);
        // PVC's size rule (vCPUs and memory against the node's) is for a VM that grows: a change that keeps both (a NIC, a
        // disk, fewer vCPUs) does not refuse a VM that already runs where it runs
        if (nodes.FirstOrDefault(n => n.Name == nodeName) is { } node && Grows(xml, read[P(vm, DomainKeys.Xml)]))
            RequireFits(xml, node);
        var running = StateOf(read, vm) == VmState.Start;
        var writes = new List<Op>(allowed.Checks)
        {
            Op.SetData(P(vm, DomainKeys.StorageVolumes), Utf8(PvcList.EncodeComma(xml.RbdVolumes))),
            Op.SetData(P(vm, DomainKeys.Xml), Utf8(newXml)),
        };
        var own = writes.Count;
        writes.AddRange(extra ?? []);
        if (running && !restart && live is not null && nodeName is not null)
        {
            RefuseMigrating(vm, read);
            if (await TryApplyLiveAsync(vm, nodeName, live, cancellationToken))
            {
                try
                {
                    if (LiveChangeMade is { } made)
                        await made(vm, cancellationToken);
                    for (var attempt = 1; ; attempt++)
                    {
                        try
                        {
                            await CommitAsync(vm, read, writes, cancellationToken);
                            break;
                        }
                        catch (PvcException e) when (e.Kind == PvcErrorKind.WriteConflict && recheck is not null && attempt < LiveCommitAttempts)
                        {
                            if (await recheck(cancellationToken) is not { } again)
                                throw;
                            writes.RemoveRange(own, writes.Count - own);
                            writes.AddRange(again);
                        }
                    }
                }
                catch (PvcException e) when (e.Kind == PvcErrorKind.WriteConflict)
                {
                    var failed = await TryUndoLiveAsync(vm, nodeName, undo ?? live.Inverse());
                    throw new PvcException(PvcErrorKind.WriteConflict, e.ErrorId, failed is null
                        ? $"The VM '{vm.Name}''s stored XML changed while its node made the change ({live.Describe()}): the change was undone on the running VM and nothing was written. Make the change again."
                        : $"The VM '{vm.Name}' runs with the change ({live.Describe()}) but its stored XML changed meanwhile and was not written, and undoing it on the running VM failed ({failed}): it loses the change at its next restart. Make the change again.", e) { Target = vm.Name };
                }
                return VmChangeEffect.Live;
            }
            // its hypervisor cannot make such a change live at all: the next restart makes it, as without live
        }
        if (restart && running)
            writes.Add(Op.SetData(P(vm, DomainKeys.State), Utf8(Wire.VmState.Encode(VmState.Restart))));
        await CommitAsync(vm, read, writes, cancellationToken);
        return !running ? VmChangeEffect.NextStart : restart ? VmChangeEffect.Restarting : VmChangeEffect.PendingRestart;
    }

    /// <summary>True unless the stored XML can be read and had at least as many vCPUs and as much memory as <paramref name="xml"/>.</summary>
    private static bool Grows(DomainXml xml, string? stored)
    {
        try
        {
            return stored is null || DomainXml.Parse(stored) is not { } before || xml.Vcpus > before.Vcpus || xml.MemoryMiB > before.MemoryMiB;
        }
        catch (Exception e) when (e is PvcException or System.Xml.XmlException)
        {
            return true;
        }
    }

    /// <summary>
    /// Runs the change on the VM's node, with a deadline (<see cref="LiveChangeTimeout"/> from now) the node checks before
    /// it starts it, and waits for it; throws the node's refusal; false when its hypervisor cannot make such a change live
    /// ("LiveChangeUnsupported"). When the wait ends (timed out, or cancelled) while the task is still queued, the task is
    /// cancelled: a change the client no longer waits for never reaches the running VM.
    /// </summary>
    private async Task<bool> TryApplyLiveAsync(VmRef vm, string node, VmLiveChange live, CancellationToken cancellationToken)
    {
        live = live with { NotAfter = DateTimeOffset.UtcNow + LiveChangeTimeout };
        live.Validate();
        var task = await cluster.Tasks.SubmitAsync(ClusterTaskKinds.VmLiveChange, live.ToArguments(), node, cancellationToken);
        try
        {
            await cluster.Tasks.WaitAsync(task.Id, null, LiveChangeTimeout + LiveChangeGrace, cancellationToken);
            return true;
        }
        catch (PvcException e) when (e.ErrorId == PvcErrorIds.LiveChangeUnsupported)
        {
            return false;
        }
        catch (PvcException e) when (e.ErrorId == PvcErrorIds.WaitTimeout)
        {
            var cancelled = await TryCancelQueuedAsync(task.Id);
            throw new PvcException(PvcErrorKind.OperationTimeout, PvcErrorIds.WaitTimeout, cancelled
                ? $"The node {node} did not start to {live.Describe()} on the VM '{vm.Name}' within {(LiveChangeTimeout + LiveChangeGrace).TotalSeconds:0} s (task {task.Id}): the task was cancelled, and neither the VM nor its stored XML was changed."
                : $"The node {node} did not {live.Describe()} on the VM '{vm.Name}' within {(LiveChangeTimeout + LiveChangeGrace).TotalSeconds:0} s (task {task.Id}); the stored XML was not changed. The node started the change before its deadline: if it ends later, the VM runs with the change until it restarts (its record says how it ended).", e) { Target = vm.Name };
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await TryCancelQueuedAsync(task.Id);
            throw;
        }
    }

    /// <summary>Fails a live-change task that no runner has claimed yet ("LiveChangeExpired"); true when it was still queued and is now cancelled.</summary>
    private async Task<bool> TryCancelQueuedAsync(string id)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            var task = await cluster.Tasks.GetAsync(id, limit.Token);
            if (task.State != ClusterTaskState.Pending)
                return false;
            return await new ClusterTaskHostOperations(cluster, task.RunOn).RefuseAsync(task, PvcErrorKind.OperationTimeout, PvcErrorIds.LiveChangeExpired,
                "The client stopped waiting before the node started the live change: it was cancelled, and neither the VM nor its stored XML was changed.", limit.Token) is not null;
        }
        catch (Exception e) when (e is OperationCanceledException || PvcException.From(e) is not null)
        {
            return false;
        }
    }

    /// <summary>Undoes a live change the node made whose XML could not be written; null when it was undone, else why not.</summary>
    private async Task<string?> TryUndoLiveAsync(VmRef vm, string node, VmLiveChange? undo)
    {
        if (undo is null)
            return "the change cannot be undone live";
        // the caller's wait may be over: the undo has a limit of its own
        using var limit = new CancellationTokenSource(LiveChangeTimeout + LiveChangeGrace + TimeSpan.FromSeconds(10));
        try
        {
            return await TryApplyLiveAsync(vm, node, undo, limit.Token) ? null : "its hypervisor cannot make it live";
        }
        catch (Exception e) when (e is OperationCanceledException || PvcException.From(e) is not null)
        {
            return PvcException.From(e)?.Message ?? "it did not end in time";
        }
    }
}
