namespace Pvc.ZooKeeper;

/// <summary>A znode's data and metadata.</summary>
/// <param name="Data">The data (empty for a znode without data).</param>
/// <param name="Stat">The metadata.</param>
public sealed record DataResult(byte[] Data, Stat Stat);

/// <summary>A znode's children (names, not paths) and metadata.</summary>
/// <param name="Children">The child names, in the server's order.</param>
/// <param name="Stat">The parent's metadata.</param>
public sealed record ChildrenResult(IReadOnlyList<string> Children, Stat Stat);
