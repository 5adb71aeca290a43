namespace Pvc.ZooKeeper;

/// <summary>A znode's metadata, as the server reports it.</summary>
/// <param name="CreatedZxid">The transaction that created the znode.</param>
/// <param name="ModifiedZxid">The transaction that last changed its data.</param>
/// <param name="CreatedTime">Creation time, milliseconds since the Unix epoch.</param>
/// <param name="ModifiedTime">Last data change, milliseconds since the Unix epoch.</param>
/// <param name="Version">Data version (for compare-and-set).</param>
/// <param name="ChildVersion">Number of changes to the children.</param>
/// <param name="AclVersion">Number of changes to the ACL.</param>
/// <param name="EphemeralOwner">The owning session of an ephemeral znode, else 0.</param>
/// <param name="DataLength">Length of the data in bytes.</param>
/// <param name="ChildCount">Number of children.</param>
/// <param name="ChildrenZxid">The transaction that last changed the children.</param>
public sealed record Stat(
    long CreatedZxid,
    long ModifiedZxid,
    long CreatedTime,
    long ModifiedTime,
    int Version,
    int ChildVersion,
    int AclVersion,
    long EphemeralOwner,
    int DataLength,
    int ChildCount,
    long ChildrenZxid)
{
    /// <summary>True when the znode is ephemeral.</summary>
    public bool IsEphemeral => EphemeralOwner != 0;
}
