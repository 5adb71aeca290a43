using Pvc.Core.Faults;
using Pvc.Core.Vms;

namespace Pvc.Core.Cluster;

/// <summary>The cluster at a glance, as <c>pvc cluster status</c> shows it.</summary>
public sealed record ClusterStatus
{
    /// <summary>The cluster's name (<c>/config</c>), or null when empty.</summary>
    public string? Name { get; init; }

    /// <summary>Health in percent: 100 minus the deltas of the unacknowledged faults, never below 0.</summary>
    public required int Health { get; init; }

    /// <summary>True when the cluster is in maintenance (no faults are raised then).</summary>
    public required bool Maintenance { get; init; }

    /// <summary>The host-reaching parts of domain XML the cluster allows (<see cref="DomainXmlAllowList"/>); empty for none.</summary>
    public IReadOnlyList<Vms.DomainXmlFeature> AllowedDomainXml { get; init; } = [];

    /// <summary>The directories under which domain XML may name host paths (<see cref="Vms.DomainXmlAllowList.Directories"/>); empty for none.</summary>
    public IReadOnlyList<string> AllowedDomainXmlPaths { get; init; } = [];

    /// <summary>The primary coordinator's name, or null when there is none.</summary>
    public string? PrimaryNode { get; init; }

    /// <summary>The PVC version the primary node's service reports, or null.</summary>
    public string? PvcVersion { get; init; }

    /// <summary>The upstream floating address with its prefix length (e.g. 10.0.0.250/24), or null.</summary>
    public string? UpstreamIp { get; init; }

    /// <summary>How many nodes.</summary>
    public required int NodeCount { get; init; }

    /// <summary>How many VMs.</summary>
    public required int VmCount { get; init; }

    /// <summary>How many networks.</summary>
    public required int NetworkCount { get; init; }

    /// <summary>How many OSDs.</summary>
    public required int OsdCount { get; init; }

    /// <summary>How many storage pools.</summary>
    public required int PoolCount { get; init; }

    /// <summary>How many RBD volumes, over all pools.</summary>
    public int VolumeCount { get; init; }

    /// <summary>How many RBD snapshots, over all volumes.</summary>
    public int SnapshotCount { get; init; }

    /// <summary>Memory, CPU and disk summed over the nodes and OSDs (PVC's <c>resources</c>).</summary>
    public ClusterResources Resources { get; init; } = ClusterResources.None;

    /// <summary>OSDs per (up, in) pair, up,in first.</summary>
    public IReadOnlyList<OsdStateCount> OsdStates { get; init; } = [];

    /// <summary>Each node's health and the plugin messages that lower it (PVC's <c>node_health</c>), by node name.</summary>
    public IReadOnlyList<NodeHealthSummary> NodeHealth { get; init; } = [];

    /// <summary>Ceph's health as the primary last reported it (<c>/ceph/health</c>); Unknown without a report.</summary>
    public Schema.StorageHealthStatus StorageHealth { get; init; }

    /// <summary>Ceph's failing health checks (each shown as "CODE: message", e.g. "OSD_DOWN: 1 osds down"); empty when healthy.</summary>
    public IReadOnlyList<Storage.CephHealthCheck> StorageHealthChecks { get; init; } = [];

    /// <summary>Nodes per (daemon state, domain state), ordered by the states; unknown values count under Unknown.</summary>
    public required IReadOnlyList<NodeStateCount> NodeStates { get; init; }

    /// <summary>VMs per state, ordered by state; unknown values count under Unknown.</summary>
    public required IReadOnlyList<VmStateCount> VmStates { get; init; }

    /// <summary>The unacknowledged faults, largest health delta first, then most recently reported first.</summary>
    public required IReadOnlyList<Fault> ActiveFaults { get; init; }
}
