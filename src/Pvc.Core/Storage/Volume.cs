namespace Pvc.Core.Storage;

/// <summary>An RBD volume as the cluster records it (<c>/ceph/volumes/&lt;pool&gt;/&lt;name&gt;</c>).</summary>
public sealed record Volume
{
    /// <summary>The pool it is in.</summary>
    public required string Pool { get; init; }
    /// <summary>The volume's name, unique within its pool.</summary>
    public required string Name { get; init; }
    /// <summary>rbd info as of PVC's last scan, or null when absent ("" until the first scan) or unreadable.</summary>
    public RbdImageInfo? Stats { get; init; }

    /// <summary>"pool/name", as rbd addresses it.</summary>
    public override string ToString() => $"{Pool}/{Name}";
}
