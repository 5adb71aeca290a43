using Pvc.Core.Faults;
using Pvc.Core.Networks;
using Pvc.Core.Nodes;
using Pvc.Core.Storage;
using Pvc.Core.Vms;

namespace Pvc.Core.Schema;

/// <summary>PVC's strings for Pvc's enums, in one place.</summary>
public static class Wire
{
    /// <summary>VM states.</summary>
    public static WireEnum<VmState> VmState { get; } = new(
        (Vms.VmState.Start, "start"), (Vms.VmState.Restart, "restart"), (Vms.VmState.Shutdown, "shutdown"),
        (Vms.VmState.Stop, "stop"), (Vms.VmState.Disable, "disable"), (Vms.VmState.Fail, "fail"),
        (Vms.VmState.Migrate, "migrate"), (Vms.VmState.MigrateLive, "migrate-live"), (Vms.VmState.Unmigrate, "unmigrate"),
        (Vms.VmState.Provision, "provision"), (Vms.VmState.Import, "import"), (Vms.VmState.Restore, "restore"),
        (Vms.VmState.Mirror, "mirror"), (Vms.VmState.Delete, "delete"));

    /// <summary>Target selectors; "none" is the cluster default.</summary>
    public static WireEnum<NodeSelector> NodeSelector { get; } = new(
        (Vms.NodeSelector.Default, "none"), (Vms.NodeSelector.Mem, "mem"), (Vms.NodeSelector.MemProv, "memprov"),
        (Vms.NodeSelector.Load, "load"), (Vms.NodeSelector.Vcpus, "vcpus"), (Vms.NodeSelector.Vms, "vms"));

    /// <summary>Migration methods; "none" is live with shutdown fallback.</summary>
    public static WireEnum<MigrationMethod> MigrationMethod { get; } = new(
        (Vms.MigrationMethod.Default, "none"), (Vms.MigrationMethod.Live, "live"), (Vms.MigrationMethod.Shutdown, "shutdown"));

    /// <summary>Node service states.</summary>
    public static WireEnum<NodeDaemonState> DaemonState { get; } = new(
        (NodeDaemonState.Init, "init"), (NodeDaemonState.Run, "run"), (NodeDaemonState.Shutdown, "shutdown"),
        (NodeDaemonState.Stop, "stop"), (NodeDaemonState.Dead, "dead"), (NodeDaemonState.Fenced, "fenced"));

    /// <summary>Node domain states.</summary>
    public static WireEnum<NodeDomainState> DomainState { get; } = new(
        (NodeDomainState.Ready, "ready"), (NodeDomainState.Flush, "flush"), (NodeDomainState.Flushed, "flushed"),
        (NodeDomainState.Unflush, "unflush"), (NodeDomainState.FenceFlush, "fence-flush"));

    /// <summary>Coordinator (router) states.</summary>
    public static WireEnum<CoordinatorState> CoordinatorState { get; } = new(
        (Nodes.CoordinatorState.Client, "client"), (Nodes.CoordinatorState.Secondary, "secondary"),
        (Nodes.CoordinatorState.Takeover, "takeover"), (Nodes.CoordinatorState.Primary, "primary"),
        (Nodes.CoordinatorState.Relinquish, "relinquish"));

    /// <summary>Node modes.</summary>
    public static WireEnum<NodeMode> NodeMode { get; } = new(
        (Nodes.NodeMode.Coordinator, "coordinator"), (Nodes.NodeMode.Hypervisor, "hypervisor"));

    /// <summary>Network types.</summary>
    public static WireEnum<NetworkType> NetworkType { get; } = new(
        (Networks.NetworkType.Managed, "managed"), (Networks.NetworkType.Bridged, "bridged"));

    /// <summary>Firewall rule directions, as the folder names under <c>firewall_rules</c>.</summary>
    public static WireEnum<FirewallDirection> FirewallDirection { get; } = new(
        (Networks.FirewallDirection.In, "in"), (Networks.FirewallDirection.Out, "out"));

    /// <summary>Pool tiers; "default" is any device class.</summary>
    public static WireEnum<PoolTier> PoolTier { get; } = new(
        (Storage.PoolTier.Default, "default"), (Storage.PoolTier.Hdd, "hdd"), (Storage.PoolTier.Ssd, "ssd"),
        (Storage.PoolTier.Nvme, "nvme"));

    /// <summary>Fault statuses.</summary>
    public static WireEnum<FaultStatus> FaultStatus { get; } = new(
        (Faults.FaultStatus.New, "new"), (Faults.FaultStatus.Ack, "ack"));
}
