using System.Text;
using Pvc.ZooKeeper;

namespace Pvc.Core.Tests;

/// <summary>
/// Writes znodes as PVC's zkhandler.write does: UTF-8 strings, created in the order given, in transactions.
/// Absent parents are created empty first (PVC's base keys and folders are "" too).
/// </summary>
internal sealed class ZkSeed(ZooKeeperClient client)
{
    private readonly HashSet<string> _known = new(StringComparer.Ordinal) { "/" };
    private readonly List<Op> _pending = [];

    /// <summary>Queues a znode with this value (and its missing parents, empty).</summary>
    public ZkSeed Add(string path, string value = "")
    {
        var slash = path.LastIndexOf('/');
        if (slash > 0 && !_known.Contains(path[..slash]))
            Add(path[..slash]);
        if (_known.Add(path))
            _pending.Add(Op.Create(path, Encoding.UTF8.GetBytes(value)));
        else
            _pending.Add(Op.SetData(path, Encoding.UTF8.GetBytes(value)));
        return this;
    }

    /// <summary>Queues a kazoo lock contender node as a child of <paramref name="parent"/>.</summary>
    public ZkSeed Lock(string parent, int sequence = 1, bool read = false) =>
        Add($"{parent}/0123456789abcdef0123456789abcdef__{(read ? "r" : "")}lock__{sequence:D10}");

    /// <summary>Writes everything queued.</summary>
    public async Task CommitAsync()
    {
        foreach (var chunk in _pending.Chunk(500))
            await client.MultiAsync(chunk);
        _pending.Clear();
    }
}
