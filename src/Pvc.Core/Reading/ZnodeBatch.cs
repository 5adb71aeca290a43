using System.Text;
using Pvc.ZooKeeper;

namespace Pvc.Core.Reading;

/// <summary>
/// A set of znode reads done in one round trip: queued paths are read with ZooKeeper's multiRead in
/// chunks that are all in flight at once (one request a read when the server predates multiRead).
/// A missing znode reads as null; the rest are unaffected.
/// </summary>
/// <remarks>
/// Reads are found again either by path (<see cref="Data"/>, <see cref="Text(string)"/>) or, for bulk
/// listings, by the slot number <see cref="DataSlot"/> returned: a slot costs no path lookup table, no
/// second path string and no hashing, which is most of the client's work when a listing reads 16,000 znodes.
/// </remarks>
public sealed class ZnodeBatch(ZooKeeperClient client, ReadCounter? counter = null)
{
    // A multiRead request reads at most a page. Every queued read and its result are kept by slot (queue order)
    // in pages of this size rather than in one list: a 16,000-read listing's list would be a large-object-heap
    // array, and each one of those makes the GC collect generation 2 sooner (a pause of tens of ms).
    private const int PageSize = 1000;
    private readonly List<ReadOp[]> _reads = [];
    private readonly List<ReadResult?[]> _results = [];
    private readonly Dictionary<(string Path, bool Children), int> _byPath = [];
    private int _count;
    private int _firstUnread;

    /// <summary>Queues a data read.</summary>
    public ZnodeBatch Data(string path)
    {
        Queue(path, children: false, keyed: true);
        return this;
    }

    /// <summary>Queues a children listing.</summary>
    public ZnodeBatch Children(string path)
    {
        Queue(path, children: true, keyed: true);
        return this;
    }

    /// <summary>Queues a data read found again by the slot returned (read it with <see cref="Text(int)"/>).</summary>
    public int DataSlot(string path) => Queue(path, children: false, keyed: false);

    /// <summary>Queues a children listing found again by the slot returned (read it with <see cref="ChildrenOf(int)"/>).</summary>
    public int ChildrenSlot(string path) => Queue(path, children: true, keyed: false);

    private int Queue(string path, bool children, bool keyed)
    {
        if (keyed && _byPath.TryGetValue((path, children), out var existing))
            return existing;
        var slot = _count++;
        int page = slot / PageSize, offset = slot % PageSize;
        if (offset == 0)
        {
            // most batches read a handful of znodes: pages start small and grow to their full size
            _reads.Add(new ReadOp[page == 0 ? 16 : PageSize]);
            _results.Add(new ReadResult?[page == 0 ? 16 : PageSize]);
        }
        else if (offset == _reads[page].Length)
        {
            _reads[page] = Grow(_reads[page]);
            _results[page] = Grow(_results[page]);
        }
        _reads[page][offset] = children ? ReadOp.GetChildren(path) : ReadOp.GetData(path);
        if (keyed)
            _byPath[(path, children)] = slot;
        return slot;
    }

    private static T[] Grow<T>(T[] page)
    {
        Array.Resize(ref page, Math.Min(PageSize, page.Length * 2));
        return page;
    }

    /// <summary>Reads everything queued since the last call, in one wave.</summary>
    public Task ReadAsync(CancellationToken cancellationToken) => ReadAsync(null, cancellationToken);

    /// <summary>
    /// Reads everything queued since the last call, in one wave, calling <paramref name="onRead"/> with each range
    /// of slots (first slot, count) as soon as its answer is in: the caller can work on early answers while the
    /// server still answers later ones. The calls come from pool threads, possibly several at once (for different
    /// slots), and all have returned when the read completes.
    /// </summary>
    public async Task ReadAsync(Action<int, int>? onRead, CancellationToken cancellationToken)
    {
        var first = _firstUnread;
        if (first == _count)
            return;
        _firstUnread = _count;
        counter?.Add(_count - first);
        // one request a page (or the part of a page this wave queued), all in flight at once
        var parts = new List<Task>();
        for (var start = first; start < _count; start = (start / PageSize + 1) * PageSize)
        {
            var page = start / PageSize;
            parts.Add(ReadPartAsync(page, start % PageSize, Math.Min(_count, (page + 1) * PageSize) - start, onRead, cancellationToken));
        }
        await Task.WhenAll(parts);
    }

    private async Task ReadPartAsync(int page, int offset, int count, Action<int, int>? onRead, CancellationToken cancellationToken)
    {
        var reads = new ArraySegment<ReadOp>(_reads[page], offset, count);
        IReadOnlyList<ReadResult> answers;
        try
        {
            answers = await client.MultiReadAsync(reads, cancellationToken);
        }
        catch (ZooKeeperException e) when (e.Code == ZooKeeperErrorCode.Unimplemented)
        {
            answers = await Task.WhenAll(reads.Select(op => ReadOneAsync(op, cancellationToken)));
        }
        var results = _results[page];
        for (var j = 0; j < count; j++)
            results[offset + j] = answers[j];
        onRead?.Invoke(page * PageSize + offset, count);
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

    private ReadResult? Result(string path, bool children) => _byPath.TryGetValue((path, children), out var slot) ? Result(slot) : null;

    private ReadResult? Result(int slot) => _results[slot / PageSize][slot % PageSize];

    private string PathOf(int slot) => _reads[slot / PageSize][slot % PageSize].Path;

    /// <summary>A znode's data as UTF-8 text, or null when it does not exist.</summary>
    public string? Text(string path) => Bytes(path) is { } b ? Encoding.UTF8.GetString(b) : null;

    /// <summary>The data of a slot's znode as UTF-8 text, or null when it does not exist.</summary>
    public string? Text(int slot) => Bytes(slot) is { } b ? Encoding.UTF8.GetString(b) : null;

    /// <summary>A znode's data, or null when it does not exist.</summary>
    public byte[]? Bytes(string path) => DataOf(Result(path, children: false), path);

    /// <summary>The data of a slot's znode, or null when it does not exist.</summary>
    public byte[]? Bytes(int slot) => DataOf(Result(slot), PathOf(slot));

    private static byte[]? DataOf(ReadResult? result, string path) => result switch
    {
        ReadResult.Data d => d.Bytes,
        ReadResult.Failed { Code: ZooKeeperErrorCode.NoNode } or null => null,
        ReadResult.Failed f => throw ZooKeeperException.For(f.Code, path),
        _ => null,
    };

    /// <summary>A znode's metadata, or null when it does not exist.</summary>
    public Stat? StatOf(string path) => Result(path, children: false) is ReadResult.Data d ? d.Stat : null;

    /// <summary>The stat of a data read queued with <see cref="DataSlot"/>, or null when the znode was missing.</summary>
    public Stat? StatOf(int slot) => Result(slot) is ReadResult.Data d ? d.Stat : null;

    /// <summary>A znode's children, or null when it does not exist.</summary>
    public IReadOnlyList<string>? ChildrenOf(string path) => ChildrenOf(Result(path, children: true), path);

    /// <summary>The children of a slot's znode, or null when it does not exist.</summary>
    public IReadOnlyList<string>? ChildrenOf(int slot) => ChildrenOf(Result(slot), PathOf(slot));

    private static IReadOnlyList<string>? ChildrenOf(ReadResult? result, string path) => result switch
    {
        ReadResult.Children c => c.Names,
        ReadResult.Failed { Code: ZooKeeperErrorCode.NoNode } or null => null,
        ReadResult.Failed f => throw ZooKeeperException.For(f.Code, path),
        _ => null,
    };
}
