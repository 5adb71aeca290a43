using Pvc.ZooKeeper.Protocol;

namespace Pvc.ZooKeeper;

/// <summary>One read of a <see cref="ZooKeeperClient.MultiReadAsync"/> batch (ZooKeeper 3.6+'s multiRead).</summary>
public abstract record ReadOp(string Path)
{
    internal abstract OpCode Code { get; }

    /// <summary>Read a znode's data and metadata.</summary>
    public static ReadOp GetData(string path) => new GetDataReadOp(path);

    /// <summary>List a znode's children.</summary>
    public static ReadOp GetChildren(string path) => new GetChildrenReadOp(path);
}

/// <summary>Reads a znode's data within a batch.</summary>
public sealed record GetDataReadOp(string Path) : ReadOp(Path)
{
    internal override OpCode Code => OpCode.GetData;
}

/// <summary>Lists a znode's children within a batch.</summary>
public sealed record GetChildrenReadOp(string Path) : ReadOp(Path)
{
    internal override OpCode Code => OpCode.GetChildren;
}

/// <summary>The result of one read of a batch: data, children, or the error of that read alone.</summary>
public abstract record ReadResult
{
    /// <summary>A znode's data and metadata.</summary>
    public sealed record Data(byte[] Bytes, Stat Stat) : ReadResult;

    /// <summary>A znode's children.</summary>
    public sealed record Children(IReadOnlyList<string> Names) : ReadResult;

    /// <summary>That read failed (typically NoNode); the others are unaffected.</summary>
    public sealed record Failed(ZooKeeperErrorCode Code) : ReadResult;
}
