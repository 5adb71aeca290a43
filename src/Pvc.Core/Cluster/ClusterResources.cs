namespace Pvc.Core.Cluster;

/// <summary>
/// The cluster's resources summed over its nodes and OSDs, as <c>pvc cluster status</c> computes them (PVC's
/// <c>resources</c>): memory and CPU from every node's keepalive figures, disk from every OSD's stats.
/// </summary>
public sealed record ClusterResources
{
    /// <summary>No nodes and no OSDs: every figure 0.</summary>
    public static ClusterResources None { get; } = new() { Memory = new(0, 0, 0, 0, 0), Cpu = new(0, 0, 0), Disk = new(0, 0, 0, 0) };

    /// <summary>Memory of all nodes, in MiB.</summary>
    public required ClusterMemory Memory { get; init; }

    /// <summary>CPU cores, load and allocated vCPUs of all nodes.</summary>
    public required ClusterCpu Cpu { get; init; }

    /// <summary>Raw space of all OSDs.</summary>
    public required ClusterDisk Disk { get; init; }
}
