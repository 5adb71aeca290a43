namespace Pvc.NodeService.Tests.Nemesis;

/// <summary>The faults the nemesis knows, each with its end (the fault healed) after the scheduled duration.</summary>
internal enum FaultKind
{
    /// <summary>A host loses power: its node service and hypervisor are SIGKILLed; it boots again at the end.</summary>
    Crash,

    /// <summary>The node service is SIGKILLed (its VMs run on); systemd starts it again at the end.</summary>
    ServiceKill,

    /// <summary>The node service hangs (SIGSTOP; its VMs run on) until SIGCONT at the end.</summary>
    Freeze,

    /// <summary>The node is cut from every ZooKeeper member (its proxies reset every connection) until the end.</summary>
    ZooKeeperCut,

    /// <summary>One ZooKeeper member is SIGKILLed; it starts again at the end.</summary>
    ZooKeeperMemberLoss,

    /// <summary>Every ZooKeeper member is SIGKILLed; they start again at the end.</summary>
    ZooKeeperLoss,

    /// <summary>
    /// libvirtd is killed and started again after the duration, its VMs living on as QEMU processes do across a
    /// restart (the test driver's are made again from their XML); the node service keeps running.
    /// </summary>
    LibvirtdRestart,

    /// <summary>The node's BMC stops answering (SIGSTOP of ipmi_sim) until the end.</summary>
    BmcSilent,

    /// <summary>
    /// A VM is migrated to the target node and its node service is SIGKILLed in the middle of receiving it (after it
    /// announced itself, or after the sender handed the VM over); systemd starts it again at the end.
    /// </summary>
    ReceiverKill,
}
