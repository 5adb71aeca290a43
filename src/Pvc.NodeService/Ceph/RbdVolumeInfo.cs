namespace Pvc.NodeService.Ceph;

/// <summary>An RBD image's details, the fields of <c>rbd info</c> that librbd gives.</summary>
public sealed record RbdVolumeInfo
{
    /// <summary>The pool.</summary>
    public required string Pool { get; init; }
    /// <summary>The image's name.</summary>
    public required string Name { get; init; }
    /// <summary>The image's id (its data objects are <c>rbd_data.&lt;id&gt;.*</c>).</summary>
    public required string Id { get; init; }
    /// <summary>Size, bytes.</summary>
    public required long SizeBytes { get; init; }
    /// <summary>Objects the image spans at its size.</summary>
    public required long Objects { get; init; }
    /// <summary>Object size as a power of two (22: 4 MiB).</summary>
    public required int Order { get; init; }
    /// <summary>Object size, bytes.</summary>
    public required long ObjectSizeBytes { get; init; }
    /// <summary>The prefix of its data objects.</summary>
    public required string BlockNamePrefix { get; init; }
    /// <summary>Enabled features, by rbd's names (layering, exclusive-lock, ...).</summary>
    public required IReadOnlyList<string> Features { get; init; }
    /// <summary>Number of snapshots.</summary>
    public required int SnapshotCount { get; init; }
    /// <summary>When it was created (UTC).</summary>
    public required DateTime Created { get; init; }
}
