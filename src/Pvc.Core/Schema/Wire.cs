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
        (Schema.VmState.Start, "start"), (Schema.VmState.Restart, "restart"), (Schema.VmState.Shutdown, "shutdown"),
        (Schema.VmState.Stop, "stop"), (Schema.VmState.Disable, "disable"), (Schema.VmState.Fail, "fail"),
        (Schema.VmState.Migrate, "migrate"), (Schema.VmState.MigrateLive, "migrate-live"), (Schema.VmState.Unmigrate, "unmigrate"),
        (Schema.VmState.Provision, "provision"), (Schema.VmState.Import, "import"), (Schema.VmState.Restore, "restore"),
        (Schema.VmState.Mirror, "mirror"), (Schema.VmState.Delete, "delete"));

    /// <summary>Target selectors; "none" is the cluster default.</summary>
    public static WireEnum<NodeSelector> NodeSelector { get; } = new(
        (Schema.NodeSelector.Default, "none"), (Schema.NodeSelector.Mem, "mem"), (Schema.NodeSelector.MemProv, "memprov"),
        (Schema.NodeSelector.Load, "load"), (Schema.NodeSelector.Vcpus, "vcpus"), (Schema.NodeSelector.Vms, "vms"));

    /// <summary>Migration methods; "none" is live with shutdown fallback.</summary>
    public static WireEnum<MigrationMethod> MigrationMethod { get; } = new(
        (Schema.MigrationMethod.Default, "none"), (Schema.MigrationMethod.Live, "live"), (Schema.MigrationMethod.Shutdown, "shutdown"));

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
        (Schema.CoordinatorState.Client, "client"), (Schema.CoordinatorState.Secondary, "secondary"),
        (Schema.CoordinatorState.Takeover, "takeover"), (Schema.CoordinatorState.Primary, "primary"),
        (Schema.CoordinatorState.Relinquish, "relinquish"));

    /// <summary>Node modes.</summary>
    public static WireEnum<NodeMode> NodeMode { get; } = new(
        (Schema.NodeMode.Coordinator, "coordinator"), (Schema.NodeMode.Hypervisor, "hypervisor"));

    /// <summary>Network types.</summary>
    public static WireEnum<NetworkType> NetworkType { get; } = new(
        (Schema.NetworkType.Managed, "managed"), (Schema.NetworkType.Bridged, "bridged"));

    /// <summary>Firewall rule directions, as the folder names under <c>firewall_rules</c>.</summary>
    public static WireEnum<FirewallDirection> FirewallDirection { get; } = new(
        (Schema.FirewallDirection.In, "in"), (Schema.FirewallDirection.Out, "out"));

    /// <summary>Pool tiers; "default" is any device class.</summary>
    public static WireEnum<PoolTier> PoolTier { get; } = new(
        (Schema.PoolTier.Default, "default"), (Schema.PoolTier.Hdd, "hdd"), (Schema.PoolTier.Ssd, "ssd"),
        (Schema.PoolTier.Nvme, "nvme"));

    /// <summary>Ceph's health statuses, as <c>/ceph/health</c>'s <c>status</c> field.</summary>
    public static WireEnum<StorageHealthStatus> StorageHealth { get; } = new(
        (Schema.StorageHealthStatus.Ok, "HEALTH_OK"), (Schema.StorageHealthStatus.Warning, "HEALTH_WARN"),
        (Schema.StorageHealthStatus.Error, "HEALTH_ERR"));

    /// <summary>Fault statuses.</summary>
    public static WireEnum<FaultStatus> FaultStatus { get; } = new(
        (Schema.FaultStatus.New, "new"), (Schema.FaultStatus.Ack, "ack"));
}
