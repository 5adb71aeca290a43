using Pvc.Core.Errors;
using Pvc.Core.Schema;
using Pvc.ZooKeeper;

namespace Pvc.Core.Vms;

// vCPUs, memory and the XML as stored: PVC's vm vcpu set, vm memory set and vm dump.
public sealed partial class VmOperations
{
    /// <summary>The VM's libvirt XML as stored (PVC's <c>pvc vm dump</c>).</summary>
    /// <exception cref="PvcException">NotFound "VmNotFound"; InvalidData "VmXmlMissing".</exception>
    public async Task<string> GetXmlAsync(VmRef vm, CancellationToken cancellationToken = default)
    {
        var read = await ReadAsync(vm, cancellationToken, DomainKeys.Xml);
        if (read[P(vm, DomainKeys.Root)] is null)
            throw new PvcException(PvcErrorKind.NotFound, PvcErrorIds.VmNotFound, $"The VM '{vm.Name}' no longer exists.") { Target = vm.Name };
        return read[P(vm, DomainKeys.Xml)] is { Length: > 0 } xml ? xml
            : throw new PvcException(PvcErrorKind.InvalidData, PvcErrorIds.VmXmlMissing, $"The VM '{vm.Name}' has no XML.") { Target = vm.Name };
    }

    /// <summary>
    /// Changes a VM's vCPUs (with their topology) and/or memory in its stored XML, as PVC's <c>vm vcpu set</c> and
    /// <c>vm memory set</c> do: the new XML passes every check a modified XML passes (the domain-XML policy, the VM's node
    /// size) and is written in one transaction that also checks the XML read has not changed meanwhile. A running VM takes
    /// it at its next start, or now with <paramref name="restart"/> (state "restart" in the same transaction). With
    /// <paramref name="live"/> (the default), a running VM whose change can be made live (a vCPU count alone up to its
    /// maximum, memory alone up to its maximum: <see cref="VmResourceXml.ApplyLive"/>) gets it from its node first, and
    /// the XML records it only once libvirt has made it (<see cref="VmChangeEffect.Live"/>).
    /// </summary>
    /// <returns>When the change reaches the guest.</returns>
    /// <exception cref="PvcException">InvalidArgument: "NoChange", "InvalidVcpus", "InvalidMemory", "InvalidTopology".</exception>
    /// <exception cref="PvcException">ResourceUnavailable: The VM's node cannot hold it ("InsufficientMemory", "TooManyVcpus").</exception>
    /// <exception cref="PvcException">WriteConflict: The VM changed meanwhile; nothing was written.</exception>
    /// <exception cref="PvcException">InvalidOperation "LiveChangeRefused": libvirt refused the live change (its reason in the message); nothing was written.</exception>
    public async Task<VmChangeEffect> SetResourcesAsync(VmRef vm, VmResourceChange change, bool restart = false, CancellationToken cancellationToken = default, bool live = true)
    {
        ArgumentNullException.ThrowIfNull(change);
        var read = await ReadAsync(vm, cancellationToken, DomainKeys.State, DomainKeys.Node, DomainKeys.Xml);
        if (read[P(vm, DomainKeys.Root)] is null)
            throw new PvcException(PvcErrorKind.NotFound, PvcErrorIds.VmNotFound, $"The VM '{vm.Name}' no longer exists.") { Target = vm.Name };
        var stored = read[P(vm, DomainKeys.Xml)] is { Length: > 0 } text ? text
            : throw new PvcException(PvcErrorKind.InvalidData, PvcErrorIds.VmXmlMissing, $"The VM '{vm.Name}' has no XML.") { Target = vm.Name };
        var xml = VmResourceXml.Apply(vm, stored, change);
        if (live && !restart && StateOf(read, vm) == VmState.Start && VmResourceXml.ApplyLive(vm, stored, change) is { } onLine)
            return await WriteXmlAsync(vm, read, onLine.Xml, restart, cancellationToken, onLine.Change, VmResourceXml.UndoOf(vm, stored, onLine.Change));
        return await WriteXmlAsync(vm, read, xml, restart, cancellationToken);
    }
}
