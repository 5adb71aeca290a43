namespace Pvc.Core.Vms;

/// <summary>A VM disk's counters since the VM started, as PVC's <c>disk_stats</c> entries hold them.</summary>
/// <param name="Name">The disk's source: the RBD <c>pool/volume</c>, or the file.</param>
/// <param name="ReadRequests"><c>rd_req</c>.</param>
/// <param name="ReadBytes"><c>rd_bytes</c>.</param>
/// <param name="WriteRequests"><c>wr_req</c>.</param>
/// <param name="WriteBytes"><c>wr_bytes</c>.</param>
/// <param name="Errors"><c>err</c>.</param>
public sealed record VmDiskStats(string Name, long ReadRequests, long ReadBytes, long WriteRequests, long WriteBytes, long Errors);
