using Pvc.ZooKeeper;

namespace Pvc.Core.Reading;

/// <summary>
/// Keys read for a decision, with their versions: a write built on them checks every version in the same
/// transaction (compare-and-set), so a change made meanwhile by anyone fails the write instead of being overwritten.
/// </summary>
internal sealed class VersionedKeys
{
    private readonly Dictionary<string, (string? Text, int Version)> _keys = new(StringComparer.Ordinal);

    /// <summary>Reads the keys in one round trip.</summary>
    public static async Task<VersionedKeys> ReadAsync(ZooKeeperClient zk, IEnumerable<string> paths, CancellationToken cancellationToken)
    {
        var list = paths.ToList();
        var batch = new ZnodeBatch(zk);
        foreach (var p in list)
            batch.Data(p);
        await batch.ReadAsync(cancellationToken);
        var result = new VersionedKeys();
        foreach (var p in list)
            result._keys[p] = (batch.Text(p), batch.StatOf(p)?.Version ?? -1);
        return result;
    }

    /// <summary>A key's text, or null when it does not exist.</summary>
    public string? this[string path] => _keys[path].Text;

    /// <summary>A key's version, or -1 when it does not exist.</summary>
    public int VersionOf(string path) => _keys[path].Version;

    /// <summary>Check operations for every key that exists.</summary>
    public IEnumerable<Op> Checks => _keys.Where(k => k.Value.Version >= 0).Select(k => Op.Check(k.Key, k.Value.Version));
}
