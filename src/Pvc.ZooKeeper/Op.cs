using Pvc.ZooKeeper.Protocol;

namespace Pvc.ZooKeeper;

/// <summary>One operation of a transaction (<see cref="ZooKeeperClient.MultiAsync"/>).</summary>
public abstract record Op(string Path)
{
    internal abstract OpCode Code { get; }

    internal abstract void Write(JuteWriter writer, string serverPath);

    /// <summary>Create a znode, with <paramref name="acl"/> or, when null, the client's <see cref="ZooKeeperClient.DefaultAcl"/>.</summary>
    public static Op Create(string path, ReadOnlyMemory<byte> data, CreateMode mode = CreateMode.Persistent, IReadOnlyList<Acl>? acl = null) =>
        new CreateOp(path, data, mode, acl);

    /// <summary>Delete a znode (version -1: any version).</summary>
    public static Op Delete(string path, int version = -1) => new DeleteOp(path, version);

    /// <summary>Set a znode's data (version -1: any version).</summary>
    public static Op SetData(string path, ReadOnlyMemory<byte> data, int version = -1) => new SetDataOp(path, data, version);

    /// <summary>Require a znode to be at a version (-1: only that it exists).</summary>
    public static Op Check(string path, int version) => new CheckOp(path, version);
}

/// <summary>Creates a znode within a transaction; a null <paramref name="Acl"/> is the client's <see cref="ZooKeeperClient.DefaultAcl"/>.</summary>
public sealed record CreateOp(string Path, ReadOnlyMemory<byte> Data, CreateMode Mode, IReadOnlyList<Acl>? Acl) : Op(Path)
{
    internal override OpCode Code => OpCode.Create;

    internal override void Write(JuteWriter writer, string serverPath)
    {
        writer.WriteString(serverPath);
        writer.WriteBuffer(Data.Span);
        // MultiAsync has put the client's default in place of null
        writer.WriteAcls(Acl ?? throw new InvalidOperationException($"The create of {Path} has no ACL."));
        writer.WriteInt((int)Mode);
    }
}

/// <summary>Deletes a znode within a transaction.</summary>
public sealed record DeleteOp(string Path, int Version) : Op(Path)
{
    internal override OpCode Code => OpCode.Delete;

    internal override void Write(JuteWriter writer, string serverPath)
    {
        writer.WriteString(serverPath);
        writer.WriteInt(Version);
    }
}

/// <summary>Sets a znode's data within a transaction.</summary>
public sealed record SetDataOp(string Path, ReadOnlyMemory<byte> Data, int Version) : Op(Path)
{
    internal override OpCode Code => OpCode.SetData;

    internal override void Write(JuteWriter writer, string serverPath)
    {
        writer.WriteString(serverPath);
        writer.WriteBuffer(Data.Span);
        writer.WriteInt(Version);
    }
}

/// <summary>Checks a znode's version within a transaction.</summary>
public sealed record CheckOp(string Path, int Version) : Op(Path)
{
    internal override OpCode Code => OpCode.Check;

    internal override void Write(JuteWriter writer, string serverPath)
    {
        writer.WriteString(serverPath);
        writer.WriteInt(Version);
    }
}
