using Pvc.Core.Connection;
using Pvc.Core.Errors;
using Pvc.Core.Reading;
using Pvc.Core.Schema;
using Pvc.ZooKeeper;

namespace Pvc.Core.Storage;

/// <summary>Reads pools in a constant number of round trips: the list of names, then every pool's keys and volume listing at once.</summary>
public sealed class PoolReader(ClusterConnection cluster)
{
    /// <summary>
    /// The pools, sorted as PVC sorts them (by Ceph's pool id, a pool without stats first, then by name);
    /// with a <paramref name="limit"/>, those whose name matches it (PVC's LIMIT, implicitly fuzzy).
    /// </summary>
    /// <exception cref="PvcException">InvalidArgument: "InvalidLimit": the limit is not a valid regular expression.</exception>
    public async Task<IReadOnlyList<Pool>> ListAsync(string? limit = null, CancellationToken cancellationToken = default, ReadCounter? counter = null)
    {
        var zk = cluster.ZooKeeper;
        var filter = LimitPattern.Of(limit);
        var names = (await CephTree.PoolsAsync(zk, cancellationToken, counter)).Where(filter.IsMatch).ToList();
        var pools = await ReadAsync(zk, names, cancellationToken, counter);
        return [.. pools.OrderBy(p => p.Stats?.Id ?? 0).ThenBy(p => p.Name, StringComparer.Ordinal)];
    }

    /// <summary>The pool with this name.</summary>
    /// <exception cref="PvcException">NotFound: "PoolNotFound".</exception>
    public async Task<Pool> GetAsync(string name, CancellationToken cancellationToken = default, ReadCounter? counter = null)
    {
        var zk = cluster.ZooKeeper;
        ArgumentNullException.ThrowIfNull(name);
        var found = CephTree.IsValidName(name) ? await ReadAsync(zk, [name], cancellationToken, counter) : [];
        return found.Count > 0 ? found[0] : throw StorageErrors.PoolNotFound(name);
    }

    private static async Task<IReadOnlyList<Pool>> ReadAsync(ZooKeeperClient zk, IReadOnlyList<string> names, CancellationToken cancellationToken, ReadCounter? counter)
    {
        var batch = new ZnodeBatch(zk, counter);
        foreach (var name in names)
            batch.Data(CephKeys.Pool.Root(name))
                .Data(CephKeys.Pool.Path(name, CephKeys.PoolPgs))
                .Data(CephKeys.Pool.Path(name, CephKeys.PoolTier))
                .Data(CephKeys.Pool.Path(name, CephKeys.Stats))
                .Children(CephKeys.Volume.Root(name));
        await batch.ReadAsync(cancellationToken);
        return [.. names.Where(n => batch.Text(CephKeys.Pool.Root(n)) is not null).Select(n => new Pool
        {
            Name = n,
            Pgs = PvcNumber.DecodeInt(batch.Text(CephKeys.Pool.Path(n, CephKeys.PoolPgs))),
            Tier = Wire.PoolTier.Decode(batch.Text(CephKeys.Pool.Path(n, CephKeys.PoolTier))),
            VolumeCount = LockNodes.Without(batch.ChildrenOf(CephKeys.Volume.Root(n)) ?? []).Count(),
            Stats = PoolStats.Parse(batch.Text(CephKeys.Pool.Path(n, CephKeys.Stats))),
        })];
    }
}
