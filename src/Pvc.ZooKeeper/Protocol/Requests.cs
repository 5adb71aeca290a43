namespace Pvc.ZooKeeper.Protocol;

// The request records of ZooKeeper's jute definitions (zookeeper.jute), one class a request type.

internal sealed class CreateRequest(string path, ReadOnlyMemory<byte> data, IReadOnlyList<Acl> acl, CreateMode mode)
    : PendingRequest<string>(path)
{
    public override OpCode OpCode => OpCode.Create;

    public override void WriteBody(JuteWriter writer, Chroot chroot)
    {
        writer.WriteString(chroot.ToServer(Path!));
        writer.WriteBuffer(data.Span);
        writer.WriteAcls(acl);
        writer.WriteInt((int)mode);
    }

    protected override string Read(ZooKeeperErrorCode error, ref JuteReader reader, Chroot chroot, WatchRegistry watches) =>
        chroot.ToClient(reader.ReadString() ?? "");
}

internal sealed class DeleteRequest(string path, int version) : PendingRequest<bool>(path)
{
    public override OpCode OpCode => OpCode.Delete;

    public override void WriteBody(JuteWriter writer, Chroot chroot)
    {
        writer.WriteString(chroot.ToServer(Path!));
        writer.WriteInt(version);
    }

    protected override bool Read(ZooKeeperErrorCode error, ref JuteReader reader, Chroot chroot, WatchRegistry watches) => true;
}

internal sealed class ExistsRequest(string path, Watcher? watcher) : PendingRequest<Stat?>(path)
{
    public override OpCode OpCode => OpCode.Exists;

    public override void WriteBody(JuteWriter writer, Chroot chroot)
    {
        writer.WriteString(chroot.ToServer(Path!));
        writer.WriteBool(watcher is not null);
    }

    protected override bool AcceptsError(ZooKeeperErrorCode error) => error == ZooKeeperErrorCode.NoNode;

    protected override Stat? Read(ZooKeeperErrorCode error, ref JuteReader reader, Chroot chroot, WatchRegistry watches)
    {
        if (error == ZooKeeperErrorCode.NoNode)
        {
            if (watcher is not null)
                watches.Add(WatchKind.Exist, Path!, watcher);
            return null;
        }
        var stat = reader.ReadStat();
        if (watcher is not null)
            watches.Add(WatchKind.Data, Path!, watcher);
        return stat;
    }
}

internal sealed class GetDataRequest(string path, Watcher? watcher) : PendingRequest<DataResult>(path)
{
    public override OpCode OpCode => OpCode.GetData;

    public override void WriteBody(JuteWriter writer, Chroot chroot)
    {
        writer.WriteString(chroot.ToServer(Path!));
        writer.WriteBool(watcher is not null);
    }

    protected override DataResult Read(ZooKeeperErrorCode error, ref JuteReader reader, Chroot chroot, WatchRegistry watches)
    {
        var data = reader.ReadBuffer() ?? [];
        var stat = reader.ReadStat();
        if (watcher is not null)
            watches.Add(WatchKind.Data, Path!, watcher);
        return new DataResult(data, stat);
    }
}

internal sealed class SetDataRequest(string path, ReadOnlyMemory<byte> data, int version) : PendingRequest<Stat>(path)
{
    public override OpCode OpCode => OpCode.SetData;

    public override void WriteBody(JuteWriter writer, Chroot chroot)
    {
        writer.WriteString(chroot.ToServer(Path!));
        writer.WriteBuffer(data.Span);
        writer.WriteInt(version);
    }

    protected override Stat Read(ZooKeeperErrorCode error, ref JuteReader reader, Chroot chroot, WatchRegistry watches) => reader.ReadStat();
}

internal sealed class GetChildrenRequest(string path, Watcher? watcher) : PendingRequest<ChildrenResult>(path)
{
    public override OpCode OpCode => OpCode.GetChildren2;

    public override void WriteBody(JuteWriter writer, Chroot chroot)
    {
        writer.WriteString(chroot.ToServer(Path!));
        writer.WriteBool(watcher is not null);
    }

    protected override ChildrenResult Read(ZooKeeperErrorCode error, ref JuteReader reader, Chroot chroot, WatchRegistry watches)
    {
        var children = reader.ReadStrings();
        var stat = reader.ReadStat();
        if (watcher is not null)
            watches.Add(WatchKind.Child, Path!, watcher);
        return new ChildrenResult(children, stat);
    }
}

internal sealed class GetAclRequest(string path) : PendingRequest<(IReadOnlyList<Acl> Acl, Stat Stat)>(path)
{
    public override OpCode OpCode => OpCode.GetAcl;

    public override void WriteBody(JuteWriter writer, Chroot chroot) => writer.WriteString(chroot.ToServer(Path!));

    protected override (IReadOnlyList<Acl>, Stat) Read(ZooKeeperErrorCode error, ref JuteReader reader, Chroot chroot, WatchRegistry watches) =>
        (reader.ReadAcls(), reader.ReadStat());
}

internal sealed class SetAclRequest(string path, IReadOnlyList<Acl> acl, int version) : PendingRequest<Stat>(path)
{
    public override OpCode OpCode => OpCode.SetAcl;

    public override void WriteBody(JuteWriter writer, Chroot chroot)
    {
        writer.WriteString(chroot.ToServer(Path!));
        writer.WriteAcls(acl);
        writer.WriteInt(version);
    }

    protected override Stat Read(ZooKeeperErrorCode error, ref JuteReader reader, Chroot chroot, WatchRegistry watches) => reader.ReadStat();
}

internal sealed class SyncRequest(string path) : PendingRequest<string>(path)
{
    public override OpCode OpCode => OpCode.Sync;

    public override void WriteBody(JuteWriter writer, Chroot chroot) => writer.WriteString(chroot.ToServer(Path!));

    protected override string Read(ZooKeeperErrorCode error, ref JuteReader reader, Chroot chroot, WatchRegistry watches) =>
        chroot.ToClient(reader.ReadString() ?? "");
}

internal sealed class CloseSessionRequest() : PendingRequest<bool>(null)
{
    public override OpCode OpCode => OpCode.CloseSession;

    public override void WriteBody(JuteWriter writer, Chroot chroot)
    {
    }

    protected override bool Read(ZooKeeperErrorCode error, ref JuteReader reader, Chroot chroot, WatchRegistry watches) => true;
}

/// <summary>A transaction: MultiHeader-framed operations, answered by one result per operation.</summary>
internal sealed class MultiRequest(IReadOnlyList<Op> ops) : PendingRequest<IReadOnlyList<OpResult>>(null)
{
    public override OpCode OpCode => OpCode.Multi;

    public override void WriteBody(JuteWriter writer, Chroot chroot)
    {
        foreach (var op in ops)
        {
            writer.WriteInt((int)op.Code);
            writer.WriteBool(false);
            writer.WriteInt(-1);
            op.Write(writer, chroot.ToServer(op.Path));
        }
        writer.WriteInt(-1);
        writer.WriteBool(true);
        writer.WriteInt(-1);
    }

    protected override bool AcceptsError(ZooKeeperErrorCode error) => true;

    protected override IReadOnlyList<OpResult> Read(ZooKeeperErrorCode error, ref JuteReader reader, Chroot chroot, WatchRegistry watches)
    {
        var results = new List<OpResult>(ops.Count);
        int? failed = null;
        while (reader.Remaining > 0)
        {
            var type = (OpCode)reader.ReadInt();
            var done = reader.ReadBool();
            var headerError = reader.ReadInt();
            if (done)
                break;
            switch (type)
            {
                case OpCode.Create:
                    results.Add(new OpResult.Created(chroot.ToClient(reader.ReadString() ?? "")));
                    break;
                case OpCode.Create2:
                    results.Add(new OpResult.Created(chroot.ToClient(reader.ReadString() ?? "")));
                    reader.ReadStat();
                    break;
                case OpCode.Delete:
                    results.Add(new OpResult.Deleted());
                    break;
                case OpCode.SetData:
                    results.Add(new OpResult.DataSet(reader.ReadStat()));
                    break;
                case OpCode.Check:
                    results.Add(new OpResult.Checked());
                    break;
                case OpCode.Error:
                    var code = (ZooKeeperErrorCode)reader.ReadInt();
                    if (failed is null && code is not ZooKeeperErrorCode.Ok and not ZooKeeperErrorCode.RuntimeInconsistency)
                        failed = results.Count;
                    results.Add(new OpResult.Failed(code));
                    break;
                default:
                    throw new ZooKeeperProtocolException($"A transaction reply has an unknown operation type {(int)type} (header error {headerError}).");
            }
        }
        if (failed is int index)
        {
            var code = ((OpResult.Failed)results[index]).Code;
            var typed = ZooKeeperException.For(code, index < ops.Count ? ops[index].Path : null);
            typed.TransactionResults = results;
            typed.FailedOperationIndex = index;
            throw typed;
        }
        if (error != ZooKeeperErrorCode.Ok)
            throw ZooKeeperException.For(error, null);
        return results;
    }
}

/// <summary>A batch of reads answered in one reply, each with its own result (ZooKeeper 3.6+).</summary>
internal sealed class MultiReadRequest(IReadOnlyList<ReadOp> ops) : PendingRequest<IReadOnlyList<ReadResult>>(null)
{
    public override OpCode OpCode => OpCode.MultiRead;

    public override void WriteBody(JuteWriter writer, Chroot chroot)
    {
        foreach (var op in ops)
        {
            writer.WriteInt((int)op.Code);
            writer.WriteBool(false);
            writer.WriteInt(-1);
            writer.WriteString(chroot.ToServer(op.Path));
            writer.WriteBool(false); // no watch
        }
        writer.WriteInt(-1);
        writer.WriteBool(true);
        writer.WriteInt(-1);
    }

    protected override IReadOnlyList<ReadResult> Read(ZooKeeperErrorCode error, ref JuteReader reader, Chroot chroot, WatchRegistry watches)
    {
        var results = new ReadResult[ops.Count];
        var i = 0;
        while (reader.Remaining > 0)
        {
            var type = (OpCode)reader.ReadInt();
            var done = reader.ReadBool();
            reader.ReadInt();
            if (done)
                break;
            if (i >= results.Length)
                throw new ZooKeeperProtocolException($"A multiRead reply has more results than the {ops.Count} reads asked.");
            results[i++] = type switch
            {
                OpCode.GetData => new ReadResult.Data(reader.ReadBuffer() ?? [], reader.ReadStat()),
                OpCode.GetChildren => new ReadResult.Children(reader.ReadStrings()),
                OpCode.Error => new ReadResult.Failed((ZooKeeperErrorCode)reader.ReadInt()),
                _ => throw new ZooKeeperProtocolException($"A multiRead reply has an unknown result type {(int)type}."),
            };
        }
        if (i != results.Length)
            throw new ZooKeeperProtocolException($"A multiRead reply has {i} results for {ops.Count} reads.");
        return results;
    }
}
