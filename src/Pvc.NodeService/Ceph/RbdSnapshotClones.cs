namespace Pvc.NodeService.Ceph;

/// <summary>A protected snapshot of an RBD image and the clones (child images) that depend on it.</summary>
/// <param name="Name">The snapshot's name.</param>
/// <param name="Clones">Its clones, "pool/image" (one in the trash says so).</param>
public sealed record RbdSnapshotClones(string Name, IReadOnlyList<string> Clones);
