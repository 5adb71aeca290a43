using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Pvc.ZooKeeper.Protocol;

/// <summary>
/// Writes jute records (big-endian ints and longs, length-prefixed strings and buffers) into a
/// growable buffer. Frames are length-prefixed: <see cref="BeginFrame"/> reserves the prefix and
/// <see cref="EndFrame"/> fills it in, so many frames can be batched into one socket write.
/// </summary>
internal sealed class JuteWriter
{
    private byte[] _buffer;
    private int _length;

    public JuteWriter(int capacity = 4096) => _buffer = new byte[capacity];

    public int Length => _length;

    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, _length);

    public void Reset() => _length = 0;

    /// <summary>Drops everything written after <paramref name="length"/> bytes (a frame that must not be sent).</summary>
    public void Truncate(int length) => _length = Math.Min(_length, length);

    public int BeginFrame()
    {
        var start = _length;
        WriteInt(0);
        return start;
    }

    public void EndFrame(int start) =>
        BinaryPrimitives.WriteInt32BigEndian(_buffer.AsSpan(start), _length - start - 4);

    private Span<byte> Reserve(int count)
    {
        if (_length + count > _buffer.Length)
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + count));
        var span = _buffer.AsSpan(_length, count);
        _length += count;
        return span;
    }

    public void WriteInt(int value) => BinaryPrimitives.WriteInt32BigEndian(Reserve(4), value);

    public void WriteLong(long value) => BinaryPrimitives.WriteInt64BigEndian(Reserve(8), value);

    public void WriteBool(bool value) => Reserve(1)[0] = value ? (byte)1 : (byte)0;

    public void WriteBuffer(ReadOnlySpan<byte> value)
    {
        WriteInt(value.Length);
        value.CopyTo(Reserve(value.Length));
    }

    public void WriteNullBuffer() => WriteInt(-1);

    public void WriteString(string? value)
    {
        if (value is null)
        {
            WriteInt(-1);
            return;
        }
        var count = Encoding.UTF8.GetByteCount(value);
        WriteInt(count);
        Encoding.UTF8.GetBytes(value, Reserve(count));
    }

    public void WriteStrings(IReadOnlyCollection<string> values)
    {
        WriteInt(values.Count);
        foreach (var v in values)
            WriteString(v);
    }

    public void WriteAcls(IReadOnlyList<Acl> acls)
    {
        WriteInt(acls.Count);
        foreach (var acl in acls)
        {
            WriteInt((int)acl.Permissions);
            WriteString(acl.Scheme);
            WriteString(acl.Id);
        }
    }
}
