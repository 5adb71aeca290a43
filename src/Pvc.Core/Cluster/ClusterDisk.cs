namespace Pvc.Core.Cluster;

/// <summary>The raw space of all OSDs, as the primary last reported their stats.</summary>
/// <param name="TotalKiB">Size.</param>
/// <param name="UsedKiB">Used.</param>
/// <param name="FreeKiB">Available.</param>
/// <param name="UtilizationPercent">The OSDs' average utilization in percent (PVC's figure: an average of the OSDs, not used/total), 0 without OSDs.</param>
public sealed record ClusterDisk(long TotalKiB, long UsedKiB, long FreeKiB, double UtilizationPercent);
