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

    /// <summary>
    /// A host file, directory or socket the XML names outside the places allowed for it (<see cref="DomainXmlHostPaths"/>):
    /// a file disk's image, a kernel or initrd, a shared folder (<c>&lt;filesystem&gt;</c>, virtiofs), a character
    /// device on a host file, device or socket, an fw_cfg file, shared memory with other VMs, an emulator or helper
    /// program of its own. A path under a directory the cluster allows (<see cref="DomainXmlAllowList.Directories"/>) is
    /// no use; this feature allows every host path.
    /// </summary>
    HostPath,

    /// <summary>
    /// <c>&lt;seclabel&gt;</c> of type <c>none</c> or <c>static</c>, or with <c>relabel='no'</c>: QEMU unconfined by
    /// sVirt, or run under a label (a uid) the XML chooses, such as root's, or its files not labelled for it alone.
    /// </summary>
    Unconfined,
}
