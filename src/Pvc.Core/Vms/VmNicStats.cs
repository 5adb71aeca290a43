namespace Pvc.Core.Vms;

/// <summary>A VM network interface's counters since the VM started, as PVC's <c>net_stats</c> entries hold them.</summary>
/// <param name="Name">The host's tap device (vnet0).</param>
/// <param name="Bridge">The bridge it is on.</param>
/// <param name="ReadBytes"><c>rd_bytes</c>: received.</param>
/// <param name="ReadPackets"><c>rd_packets</c>.</param>
/// <param name="ReadErrors"><c>rd_errors</c>.</param>
/// <param name="ReadDrops"><c>rd_drops</c>.</param>
/// <param name="WriteBytes"><c>wr_bytes</c>: sent.</param>
/// <param name="WritePackets"><c>wr_packets</c>.</param>
/// <param name="WriteErrors"><c>wr_errors</c>.</param>
/// <param name="WriteDrops"><c>wr_drops</c>.</param>
public sealed record VmNicStats(string Name, string Bridge, long ReadBytes, long ReadPackets, long ReadErrors, long ReadDrops,
    long WriteBytes, long WritePackets, long WriteErrors, long WriteDrops);
