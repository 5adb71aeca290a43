namespace Pvc.Core.Cluster;

/// <summary>The CPUs of all nodes, as their keepalives report them.</summary>
/// <param name="Cores">CPU cores (the first field of each node's static data).</param>
/// <param name="Load">The sum of the nodes' load averages.</param>
/// <param name="AllocatedVcpus">vCPUs of the running VMs.</param>
public sealed record ClusterCpu(int Cores, double Load, int AllocatedVcpus)
{
    /// <summary>Load as a percentage of the cores (0 without cores), rounded to two places as PVC rounds it.</summary>
    public double UtilizationPercent => Cores > 0 ? Math.Round(100.0 * Load / Cores, 2) : 0;
}
