using System.Buffers.Binary;
using System.Text;

namespace Pvc.ZooKeeper.Protocol;

/// <summary>Reads jute records from one received frame.</summary>
internal ref struct JuteReader
{
    private readonly ReadOnlySpan<byte> _span;
    private int _position;

    public JuteReader(ReadOnlySpan<byte> span)
    {
        _span = span;
        _position = 0;
    }

    public readonly int Remaining => _span.Length - _position;

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count < 0 || _position + count > _span.Length)
            throw new ZooKeeperProtocolException($"A reply is shorter than its records ({count} bytes wanted at {_position} of {_span.Length}).");
        var s = _span.Slice(_position, count);
        _position += count;
        return s;
    }

    public int ReadInt() => BinaryPrimitives.ReadInt32BigEndian(Take(4));

    public long ReadLong() => BinaryPrimitives.ReadInt64BigEndian(Take(8));

    public bool ReadBool() => Take(1)[0] != 0;

    public byte[]? ReadBuffer()
    {
        var length = ReadInt();
        return length < 0 ? null : Take(length).ToArray();
    }

    public string? ReadString()
    {
        var length = ReadInt();
        return length < 0 ? null : Encoding.UTF8.GetString(Take(length));
    }

    public string[] ReadStrings()
    {
        var count = ReadInt();
        if (count <= 0)
            return [];
        var result = new string[count];
        for (var i = 0; i < count; i++)
            result[i] = ReadString() ?? "";
        return result;
    }

    public Stat ReadStat() => new(
        CreatedZxid: ReadLong(),
        ModifiedZxid: ReadLong(),
        CreatedTime: ReadLong(),
        ModifiedTime: ReadLong(),
        Version: ReadInt(),
        ChildVersion: ReadInt(),
        AclVersion: ReadInt(),
        EphemeralOwner: ReadLong(),
        DataLength: ReadInt(),
        ChildCount: ReadInt(),
        ChildrenZxid: ReadLong());

    public Acl[] ReadAcls()
    {
        var count = ReadInt();
        if (count <= 0)
            return [];
        var result = new Acl[count];
        for (var i = 0; i < count; i++)
            result[i] = new Acl((Permissions)ReadInt(), ReadString() ?? "", ReadString() ?? "");
        return result;
    }
}
