namespace Pvc.ZooKeeper;

/// <summary>The result of one operation of a transaction.</summary>
public abstract record OpResult
{
    /// <summary>The znode was created at <paramref name="Path"/> (sequential nodes get their suffix).</summary>
    public sealed record Created(string Path) : OpResult;

    /// <summary>The znode was deleted.</summary>
    public sealed record Deleted : OpResult;

    /// <summary>The data was set; the znode's new metadata.</summary>
    public sealed record DataSet(Stat Stat) : OpResult;

    /// <summary>The version check held.</summary>
    public sealed record Checked : OpResult;

    /// <summary>
    /// The operation was not applied: <see cref="ZooKeeperErrorCode.Ok"/> or
    /// <see cref="ZooKeeperErrorCode.RuntimeInconsistency"/> for operations rolled back because another failed.
    /// </summary>
    public sealed record Failed(ZooKeeperErrorCode Code) : OpResult;
}
