namespace Pvc.NodeService.Libvirt;

/// <summary>
/// What a node changes in a VM's stored (KVM) XML before handing it to its hypervisor, because that hypervisor
/// cannot take it as is. Empty by default: a KVM host runs PVC's XML unchanged.
/// </summary>
/// <remarks>
/// Typical settings: a TCG-only QEMU host (no /dev/kvm) sets <see cref="DomainTypeOverride"/> = <c>qemu</c> and
/// <see cref="EmulatorOverride"/> = <c>/usr/bin/qemu-system-x86_64</c> (Debian's <c>/usr/bin/kvm</c> wrapper forces
/// KVM); a host without Ceph may list <c>disk</c> in <see cref="RemoveDevices"/>. libvirt 9.0's test driver needs
/// none of it: it accepted a full PVC VM XML (type <c>kvm</c>, an rbd network disk with a ceph secret, a bridge
/// interface on <c>vmbr100</c>, a serial console with a log file, VNC, virtio channel, RNG, memballoon) as is;
/// setting <see cref="DomainTypeOverride"/> = <c>test</c> there only makes the live XML say what runs it.
/// </remarks>
public sealed class DomainXmlAdapterOptions
{
    /// <summary>Replaces <c>&lt;domain type='...'&gt;</c> (for example <c>qemu</c> or <c>test</c>); null keeps it.</summary>
    public string? DomainTypeOverride { get; set; }

    /// <summary>Replaces (or adds) <c>&lt;devices&gt;&lt;emulator&gt;</c>; null keeps it.</summary>
    public string? EmulatorOverride { get; set; }

    /// <summary>Names of the device elements under <c>&lt;devices&gt;</c> to drop (for example <c>graphics</c>, <c>disk</c>).</summary>
    public IList<string> RemoveDevices { get; set; } = [];

    /// <summary>True when the adapter changes nothing.</summary>
    public bool IsEmpty => DomainTypeOverride is null && EmulatorOverride is null && RemoveDevices.Count == 0;
}
