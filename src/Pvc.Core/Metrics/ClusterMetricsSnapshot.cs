using Pvc.Core.Cluster;
using Pvc.Core.Faults;
using Pvc.Core.Nodes;
using Pvc.Core.Storage;
using Pvc.Core.Vms;

namespace Pvc.Core.Metrics;

/// <summary>What one scrape of the cluster metrics is made from, read at one moment.</summary>
public sealed record ClusterMetricsSnapshot
{
    /// <summary>The cluster status (health, maintenance, primary, counts).</summary>
    public required ClusterStatus Status { get; init; }

    /// <summary>Every node.</summary>
    public required IReadOnlyList<Node> Nodes { get; init; }

    /// <summary>Every VM, with its stats.</summary>
    public required IReadOnlyList<Vm> Vms { get; init; }

    /// <summary>Every OSD, with its stats.</summary>
    public IReadOnlyList<Osd> Osds { get; init; } = [];

    /// <summary>Every fault, acknowledged or not.</summary>
    public IReadOnlyList<Fault> Faults { get; init; } = [];

    /// <summary>How many storage volumes.</summary>
    public int VolumeCount { get; init; }

    /// <summary>How many storage snapshots.</summary>
    public int SnapshotCount { get; init; }
}
