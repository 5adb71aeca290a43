namespace Pvc.NodeService.Tests.Lab;

/// <summary>
/// The QEMU lab joined to a one-host Ceph cluster: the monitor and the OSDs bound to the machine's end of an uplink
/// into both hosts' namespaces (<see cref="Pvc.Testing.Lab.LabNetwork.AddUplink"/>), so that QEMU's librbd on either
/// host opens a guest's RBD disk, and each node service configured for Ceph with its libvirt secret, as PVC's nodes;
/// each host has a BMC (ipmi_sim) whose power-off kills its node service, libvirtd and guests' QEMUs, so a node can be
/// fenced for real (<see cref="QemuLabFixture.Bmcs"/>, <see cref="QemuLabFixture.BootAgainAsync"/>).
/// </summary>
public sealed class QemuCephLabFixture() : QemuLabFixture(withCeph: true);

/// <summary>Tests on the two QEMU hosts and the Ceph cluster of one <see cref="QemuCephLabFixture"/>.</summary>
[CollectionDefinition(Name)]
public sealed class QemuCephLabCollection : ICollectionFixture<QemuCephLabFixture>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "qemu-ceph-lab";
}
