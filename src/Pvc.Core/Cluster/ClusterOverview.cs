namespace Pvc.Core.Cluster;

/// <summary>The cluster drawn as a picture (Show-PvcCluster): its health, and every node with its VMs.</summary>
public sealed record ClusterOverview
{
    /// <summary>The cluster's name (<c>/config</c>), or null when empty.</summary>
    public string? Name { get; init; }

    /// <summary>Health in percent, as <see cref="ClusterStatus.Health"/> computes it from the unacknowledged faults.</summary>
    public required int Health { get; init; }

    /// <summary>True when the cluster is in maintenance.</summary>
    public required bool Maintenance { get; init; }

    /// <summary>The primary coordinator's name, or null when there is none.</summary>
    public string? PrimaryNode { get; init; }

    /// <summary>How many faults are unacknowledged.</summary>
    public required int ActiveFaultCount { get; init; }

    /// <summary>Every node, by name, with its VMs.</summary>
    public required IReadOnlyList<NodeOverview> Nodes { get; init; }

    /// <summary>The VMs whose node is none of <see cref="Nodes"/> (no node, or a node that is not there), by name.</summary>
    public required IReadOnlyList<VmOverview> UnplacedVms { get; init; }

    /// <summary>How many VMs, placed or not.</summary>
    public int VmCount => Nodes.Sum(n => n.Vms.Count) + UnplacedVms.Count;
}
