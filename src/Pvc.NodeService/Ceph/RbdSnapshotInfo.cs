namespace Pvc.NodeService.Ceph;

/// <summary>One snapshot of an RBD image.</summary>
/// <param name="Name">The snapshot's name.</param>
/// <param name="Id">Ceph's snapshot id.</param>
/// <param name="SizeBytes">The image's size when the snapshot was taken.</param>
/// <param name="Protected">Whether it is protected (clones depend on it; it cannot be removed).</param>
public sealed record RbdSnapshotInfo(string Name, long Id, long SizeBytes, bool Protected);
