namespace Pvc.Core.Storage;

/// <summary>An RBD snapshot of a volume as the cluster records it (<c>/ceph/snapshots/&lt;pool&gt;/&lt;volume&gt;/&lt;name&gt;</c>).</summary>
public sealed record Snapshot
{
    /// <summary>The pool of its volume.</summary>
    public required string Pool { get; init; }
    /// <summary>Its volume's name.</summary>
    public required string Volume { get; init; }
    /// <summary>The snapshot's name, unique within its volume.</summary>
    public required string Name { get; init; }
    /// <summary>rbd info of the snapshot when it was taken, or null when absent or unreadable.</summary>
    public RbdImageInfo? Stats { get; init; }

    /// <summary>"pool/volume@name", as rbd addresses it.</summary>
    public override string ToString() => $"{Pool}/{Volume}@{Name}";
}
