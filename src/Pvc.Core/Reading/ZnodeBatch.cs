using System.Text;
using Pvc.ZooKeeper;

namespace Pvc.Core.Reading;

/// <summary>
/// A set of znode reads done in one round trip: queued paths are read with ZooKeeper's multiRead in
/// chunks that are all in flight at once (one request a read when the server predates multiRead).
/// A missing znode reads as null; the rest are unaffected.
/// </summary>
public sealed class ZnodeBatch(ZooKeeperClient client, ReadCounter? counter = null)
{
    private const int ChunkSize = 1000;
    private readonly List<ReadOp> _ops = [];
    private readonly Dictionary<string, ReadResult> _results = new(StringComparer.Ordinal);
    private readonly HashSet<(string, bool)> _queued = [];

    /// <summary>Queues a data read.</summary>
    public ZnodeBatch Data(string path)
    {
        if (_queued.Add((path, false)))
            _ops.Add(ReadOp.GetData(path));
        return this;
    }

    /// <summary>Queues a children listing.</summary>
    public ZnodeBatch Children(string path)
    {
        if (_queued.Add((path, true)))
            _ops.Add(ReadOp.GetChildren(path));
        return this;
    }

    /// <summary>Reads everything queued since the last call, in one wave.</summary>
    public async Task ReadAsync(CancellationToken cancellationToken)
    {
        if (_ops.Count == 0)
            return;
        var ops = _ops.ToList();
        _ops.Clear();
        counter?.Add(ops.Count);
        IReadOnlyList<ReadResult>[] chunks;
        try
        {
            chunks = await Task.WhenAll(ops.Chunk(ChunkSize).Select(c => client.MultiReadAsync(c, cancellationToken)));
        }
        catch (ZooKeeperException e) when (e.Code == ZooKeeperErrorCode.Unimplemented)
        {
            chunks = [await Task.WhenAll(ops.Select(op => ReadOneAsync(op, cancellationToken)))];
        }
        var i = 0;
        foreach (var chunk in chunks)
            foreach (var result in chunk)
            {
                var op = ops[i++];
                _results[Key(op.Path, op is GetChildrenReadOp)] = result;
            }
    }

    private async Task<ReadResult> ReadOneAsync(ReadOp op, CancellationToken cancellationToken)
    {
        try
        {
            if (op is GetChildrenReadOp)
                return new ReadResult.Children((await client.GetChildrenAsync(op.Path, cancellationToken: cancellationToken)).Children);
            var data = await client.GetDataAsync(op.Path, cancellationToken: cancellationToken);
            return new ReadResult.Data(data.Data, data.Stat);
        }
        catch (NoNodeException)
        {
            return new ReadResult.Failed(ZooKeeperErrorCode.NoNode);
        }
    }

    private static string Key(string path, bool children) => children ? path + "\u0000c" : path;

    /// <summary>A znode's data as UTF-8 text, or null when it does not exist.</summary>
    public string? Text(string path) => Bytes(path) is { } b ? Encoding.UTF8.GetString(b) : null;

    /// <summary>A znode's data, or null when it does not exist.</summary>
    public byte[]? Bytes(string path) => _results.GetValueOrDefault(Key(path, false)) switch
    {
        ReadResult.Data d => d.Bytes,
        ReadResult.Failed { Code: ZooKeeperErrorCode.NoNode } or null => null,
        ReadResult.Failed f => throw ZooKeeperException.For(f.Code, path),
        _ => null,
    };

    /// <summary>A znode's metadata, or null when it does not exist.</summary>
    public Stat? StatOf(string path) => _results.GetValueOrDefault(Key(path, false)) is ReadResult.Data d ? d.Stat : null;

    /// <summary>A znode's children, or null when it does not exist.</summary>
    public IReadOnlyList<string>? ChildrenOf(string path) => _results.GetValueOrDefault(Key(path, true)) switch
    {
        ReadResult.Children c => c.Names,
        ReadResult.Failed { Code: ZooKeeperErrorCode.NoNode } or null => null,
        ReadResult.Failed f => throw ZooKeeperException.For(f.Code, path),
        _ => null,
    };
}
