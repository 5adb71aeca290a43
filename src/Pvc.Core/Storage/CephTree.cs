using Pvc.Core.Reading;
using Pvc.Core.Schema;
using Pvc.ZooKeeper;

namespace Pvc.Core.Storage;

/// <summary>Lists pools and their volumes as PVC does (the volumes of each pool under <c>/ceph/pools</c>), in at most two round trips.</summary>
internal static class CephTree
{
    /// <summary>True when a name can be one znode's name, so a lookup of it can only find it or not.</summary>
    public static bool IsValidName(string name)
    {
        if (name.Contains('/'))
            return false;
        try
        {
            PathValidation.Validate("/" + name);
            return name.Length > 0;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>Every pool's name, sorted; one round trip.</summary>
    public static async Task<IReadOnlyList<string>> PoolsAsync(ZooKeeperClient zk, CancellationToken cancellationToken, ReadCounter? counter)
    {
        var batch = new ZnodeBatch(zk, counter).Children(BaseKeys.Pools);
        await batch.ReadAsync(cancellationToken);
        return [.. LockNodes.Without(batch.ChildrenOf(BaseKeys.Pools) ?? []).Order(StringComparer.Ordinal)];
    }

    /// <summary>
    /// The volumes (pool, name) of one pool, or of every pool when <paramref name="pool"/> is null, sorted
    /// by pool then name. A named pool that does not exist is "PoolNotFound".
    /// </summary>
    public static async Task<IReadOnlyList<(string Pool, string Name)>> VolumesAsync(ZooKeeperClient zk, string? pool, CancellationToken cancellationToken, ReadCounter? counter)
    {
        var batch = new ZnodeBatch(zk, counter);
        IReadOnlyList<string> pools;
        if (pool is null)
            pools = await PoolsAsync(zk, cancellationToken, counter);
        else
        {
            pools = [pool];
            batch.Data(CephKeys.Pool.Root(pool));
        }
        foreach (var p in pools)
            batch.Children(CephKeys.Volume.Root(p));
        await batch.ReadAsync(cancellationToken);
        if (pool is not null && batch.Text(CephKeys.Pool.Root(pool)) is null)
            throw StorageErrors.PoolNotFound(pool);
        return [.. pools.SelectMany(p => LockNodes.Without(batch.ChildrenOf(CephKeys.Volume.Root(p)) ?? [])
            .Order(StringComparer.Ordinal).Select(v => (p, v)))];
    }
}
