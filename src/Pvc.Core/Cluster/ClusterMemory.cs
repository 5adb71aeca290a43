namespace Pvc.Core.Cluster;

/// <summary>The memory of all nodes, in MiB, as their keepalives report it.</summary>
/// <param name="TotalMiB">Physical memory.</param>
/// <param name="UsedMiB">In use.</param>
/// <param name="FreeMiB">Free.</param>
/// <param name="AllocatedMiB">Allocated to running VMs.</param>
/// <param name="ProvisionedMiB">Allocated to all VMs of the nodes, running or not.</param>
public sealed record ClusterMemory(long TotalMiB, long UsedMiB, long FreeMiB, long AllocatedMiB, long ProvisionedMiB)
{
    /// <summary>Used as a percentage of total (0 without nodes), rounded to two places as PVC rounds it.</summary>
    public double UtilizationPercent => TotalMiB > 0 ? Math.Round(100.0 * UsedMiB / TotalMiB, 2) : 0;
}
