namespace Pvc.Core.Vms;

/// <summary>The kinds of <see cref="VmLiveChange"/>.</summary>
public enum VmLiveChangeKind
{
    /// <summary>A bridged NIC attached (<c>virDomainAttachDeviceFlags</c>).</summary>
    AttachNic,

    /// <summary>A NIC detached, by its MAC (<c>virDomainDetachDeviceFlags</c>).</summary>
    DetachNic,

    /// <summary>The vCPU count set within the maximum (<c>virDomainSetVcpusFlags</c>).</summary>
    SetVcpus,

    /// <summary>The memory set within the maximum (<c>virDomainSetMemoryFlags</c>).</summary>
    SetMemory,

    /// <summary>An RBD volume attached as a disk (<c>virDomainAttachDeviceFlags</c>).</summary>
    AttachDisk,

    /// <summary>An RBD volume's disk detached, by its guest device (<c>virDomainDetachDeviceFlags</c>).</summary>
    DetachDisk,
}
