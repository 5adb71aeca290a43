using Pvc.Core.Errors;
using Pvc.Core.Schema;
using Pvc.Core.Tasks;
using Pvc.ZooKeeper;

namespace Pvc.Core.Vms;

// Writing a VM's new definition, and changing a running VM on its node first when the change can be made live
// (PVC's --live: libvirt's attach/detach device, set vCPUs, set memory on the running domain).
public sealed partial class VmOperations
{
    /// <summary>How long a live change may take on the VM's node before the client gives up waiting (the stored XML is then not changed).</summary>
    public static TimeSpan LiveChangeTimeout { get; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Writes a VM's new XML built from what <paramref name="read"/> holds (its state, node and XML, with their versions):
    /// the checks of <see cref="ModifyAsync"/> (the node's size only when the VM grows), then one transaction. With <paramref name="live"/>, a running VM (not
    /// restarted) gets the change from its node first, as a <see cref="ClusterTaskKinds.VmLiveChange"/> task: the XML is
    /// written only once libvirt has made it, so a change libvirt refuses leaves the stored XML as it was. A hypervisor
    /// that cannot make such a change live at all ("LiveChangeUnsupported") gets it at the next restart instead.
    /// </summary>
    /// <exception cref="PvcException">InvalidOperation "LiveChangeRefused" (libvirt's reason in the message); the task store's and the wait's refusals.</exception>
    private async Task<VmChangeEffect> WriteXmlAsync(VmRef vm, Reading.VersionedKeys read, string newXml, bool restart, CancellationToken cancellationToken, VmLiveChange? live = null)
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
        if (running && !restart && live is not null && nodeName is not null)
        {
            RefuseMigrating(vm, read);
            if (await TryApplyLiveAsync(vm, nodeName, live, cancellationToken))
            {
                try
                {
                    await CommitAsync(vm, read, writes, cancellationToken);
                }
                catch (PvcException e) when (e.Kind == PvcErrorKind.WriteConflict)
                {
                    throw new PvcException(PvcErrorKind.WriteConflict, e.ErrorId,
                        $"The VM '{vm.Name}' runs with the change ({live.Describe()}) but its stored XML changed meanwhile and was not written: it loses the change at its next restart. Make the change again.", e) { Target = vm.Name };
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

    /// <summary>Runs the change on the VM's node and waits for it; throws the node's refusal; false when its hypervisor cannot make such a change live ("LiveChangeUnsupported").</summary>
    private async Task<bool> TryApplyLiveAsync(VmRef vm, string node, VmLiveChange live, CancellationToken cancellationToken)
    {
        live.Validate();
        var task = await cluster.Tasks.SubmitAsync(ClusterTaskKinds.VmLiveChange, live.ToArguments(), node, cancellationToken);
        try
        {
            await cluster.Tasks.WaitAsync(task.Id, null, LiveChangeTimeout, cancellationToken);
            return true;
        }
        catch (PvcException e) when (e.ErrorId == PvcErrorIds.LiveChangeUnsupported)
        {
            return false;
        }
        catch (PvcException e) when (e.ErrorId == PvcErrorIds.WaitTimeout)
        {
            throw new PvcException(PvcErrorKind.OperationTimeout, PvcErrorIds.WaitTimeout,
                $"The node {node} did not {live.Describe()} on the VM '{vm.Name}' within {LiveChangeTimeout.TotalSeconds:0} s (task {task.Id}); the stored XML was not changed. If the task ends later, the VM runs with the change until it restarts: its record says how it ended.", e) { Target = vm.Name };
        }
    }
}
