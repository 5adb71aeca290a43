using System.Text;
using Pvc.ZooKeeper;

namespace Pvc.Testing.Pvc;

/// <summary>
/// Znodes written as PVC's zkhandler.write does: UTF-8 strings, in the order given, in transactions. A path's missing
/// parents are created empty first (those that already exist are left alone); a path queued twice is written twice.
/// Made by <see cref="PvcSeed.Batch"/>.
/// </summary>
public sealed partial class SeedBatch
{
    private readonly ZooKeeperClient _zk;
    private readonly HashSet<string> _queued = new(StringComparer.Ordinal) { "/" };
    private readonly List<(string Path, byte[] Data, bool Parent, bool Set)> _pending = [];

    internal SeedBatch(ZooKeeperClient zk) => _zk = zk;

    /// <summary>Queues a znode with this value (and its missing parents, empty).</summary>
    public SeedBatch Add(string path, string value = "") => Queue(path, value, parent: false);

    private SeedBatch Queue(string path, string value, bool parent)
    {
        var slash = path.LastIndexOf('/');
        if (slash > 0 && !_queued.Contains(path[..slash]))
            Queue(path[..slash], "", parent: true);
        var set = !_queued.Add(path);
        if (!(set && parent))
            _pending.Add((path, Encoding.UTF8.GetBytes(value), parent, set));
        return this;
    }

    /// <summary>Queues a kazoo lock contender (<see cref="PvcSeed.LockName"/>) as a child of <paramref name="parent"/>.</summary>
    public SeedBatch Lock(string parent, int sequence = 1, bool read = false) => Add($"{parent}/{PvcSeed.LockName(sequence, read)}");

    /// <summary>Writes everything queued: parents that exist already are skipped.</summary>
    public async Task CommitAsync()
    {
        var ops = new List<Op>();
        foreach (var (path, data, parent, set) in _pending)
        {
            if (parent && await _zk.ExistsAsync(path) is not null)
                continue;
            ops.Add(set ? Op.SetData(path, data) : Op.Create(path, data));
        }
        _pending.Clear();
        foreach (var chunk in ops.Chunk(500))
            await _zk.MultiAsync(chunk);
    }
}
