namespace Pvc.Core.Vms;

/// <summary>
/// The parts of libvirt domain XML that reach past the VM into its host. Core refuses a definition that uses one
/// unless the cluster allows it by name (<see cref="Vms.DomainXmlAllowList"/>, <c>Set-PvcCluster -AllowDomainXml</c>).
/// </summary>
public enum DomainXmlFeature
{
    /// <summary>
    /// <c>&lt;qemu:commandline&gt;</c> and every other element of libvirt's QEMU namespace
    /// (<c>http://libvirt.org/schemas/domain/qemu/1.0</c>: <c>qemu:capabilities</c>, <c>qemu:override</c>, ...), in
    /// whatever prefix: arguments and settings handed to QEMU as they are, past libvirt's checks and confinement.
    /// </summary>
    QemuCommandLine,

    /// <summary>
    /// <c>&lt;hostdev&gt;</c> and <c>&lt;interface type='hostdev'&gt;</c>: a host PCI, USB, SCSI or mediated device
    /// (an SR-IOV function too) handed to the guest.
    /// </summary>
    HostDevice,

    /// <summary><c>&lt;disk type='block'&gt;</c>: a host block device (<c>/dev/...</c>) as a guest disk.</summary>
    HostBlockDevice,
}
