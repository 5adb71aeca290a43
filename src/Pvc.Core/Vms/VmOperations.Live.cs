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
    /// the checks of <see cref="ModifyAsync"/>, then one transaction. With <paramref name="live"/>, a running VM (not
    /// restarted) gets the change from its node first, as a <see cref="ClusterTaskKinds.VmLiveChange"/> task: the XML is
    /// written only once libvirt has made it, so a change libvirt refuses leaves the stored XML as it was.
    /// </summary>
    /// <exception cref="PvcException">InvalidOperation "LiveChangeRefused" (libvirt's reason in the message); the task store's and the wait's refusals.</exception>
    private async Task<VmChangeEffect> WriteXmlAsync(VmRef vm, Reading.VersionedKeys read, string newXml, bool restart, CancellationToken cancellationToken, VmLiveChange? live = null)
    {
        var (xml, uses) = ParseForWrite(newXml);
        var allowed = await RequireAllowedAsync(xml, uses, cancellationToken);
        var nodes = (await PlacementAsync(cancellationToken)).Nodes;
        var nodeName = PvcText.Decode(read[P(vm, DomainKeys.Node)]);
        if (nodes.FirstOrDefault(n => n.Name == nodeName) is { } node)
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
            await ApplyLiveAsync(vm, nodeName, live, cancellationToken);
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
        if (restart && running)
            writes.Add(Op.SetData(P(vm, DomainKeys.State), Utf8(Wire.VmState.Encode(VmState.Restart))));
        await CommitAsync(vm, read, writes, cancellationToken);
        return !running ? VmChangeEffect.NextStart : restart ? VmChangeEffect.Restarting : VmChangeEffect.PendingRestart;
    }

    /// <summary>Runs the change on the VM's node and waits for it; throws the node's refusal.</summary>
    private async Task ApplyLiveAsync(VmRef vm, string node, VmLiveChange live, CancellationToken cancellationToken)
    {
        live.Validate();
        var task = await cluster.Tasks.SubmitAsync(ClusterTaskKinds.VmLiveChange, live.ToArguments(), node, cancellationToken);
        try
        {
            await cluster.Tasks.WaitAsync(task.Id, null, LiveChangeTimeout, cancellationToken);
        }
        catch (PvcException e) when (e.ErrorId == PvcErrorIds.WaitTimeout)
        {
            throw new PvcException(PvcErrorKind.OperationTimeout, PvcErrorIds.WaitTimeout,
                $"The node {node} did not {live.Describe()} on the VM '{vm.Name}' within {LiveChangeTimeout.TotalSeconds:0} s (task {task.Id}); the stored XML was not changed. If the task ends later, the VM runs with the change until it restarts: look at Get-PvcTask {task.Id}.", e) { Target = vm.Name };
        }
    }
}
