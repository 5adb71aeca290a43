using Pvc.Core.Connection;
using Pvc.Core.Errors;
using Pvc.Core.Reading;
using Pvc.Core.Schema;
using Pvc.ZooKeeper;

namespace Pvc.Core.Storage;

/// <summary>
/// Reads snapshots in a constant number of round trips: the pools, every pool's volume listing at once,
/// every volume's snapshot listing at once, then every snapshot's stats at once. As in PVC, the
/// snapshots read are those of the volumes the cluster records.
/// </summary>
public sealed class SnapshotReader(ClusterConnection cluster)
{
    /// <summary>
    /// The snapshots, sorted by name, then pool and volume: of every volume, of one pool's volumes
    /// (<paramref name="pool"/>), of the volumes of that name in any pool (<paramref name="volume"/>), or of
    /// one volume (both). With a <paramref name="limit"/>, those whose name matches it (PVC's LIMIT, implicitly fuzzy).
    /// </summary>
    /// <exception cref="PvcException">NotFound: "PoolNotFound" or "VolumeNotFound": the named pool or volume does not exist.</exception>
    /// <exception cref="PvcException">InvalidArgument: "InvalidLimit": the limit is not a valid regular expression.</exception>
    public async Task<IReadOnlyList<Snapshot>> ListAsync(string? pool = null, string? volume = null, string? limit = null, CancellationToken cancellationToken = default, ReadCounter? counter = null)
    {
        var zk = cluster.ZooKeeper;
        var filter = LimitPattern.Of(limit);
        if (pool is not null && !CephTree.IsValidName(pool))
            throw StorageErrors.PoolNotFound(pool);
        var volumes = (await CephTree.VolumesAsync(zk, pool, cancellationToken, counter))
            .Where(v => volume is null || v.Name == volume)
            .ToList();
        if (volume is not null && volumes.Count == 0)
            throw StorageErrors.VolumeNotFound(pool, volume);

        var batch = new ZnodeBatch(zk, counter);
        foreach (var (p, v) in volumes)
            batch.Children(CephKeys.Snapshot.Root($"{p}/{v}"));
        await batch.ReadAsync(cancellationToken);

        var snapshots = volumes
            .SelectMany(v => LockNodes.Without(batch.ChildrenOf(CephKeys.Snapshot.Root($"{v.Pool}/{v.Name}")) ?? [])
                .Where(filter.IsMatch)
                .Select(s => (v.Pool, Volume: v.Name, Name: s)))
            .ToList();
        foreach (var s in snapshots)
            batch.Data(StatsPath(s.Pool, s.Volume, s.Name));
        await batch.ReadAsync(cancellationToken);
        return [.. snapshots
            .Select(s => new Snapshot { Pool = s.Pool, Volume = s.Volume, Name = s.Name, Stats = RbdImageInfo.Parse(batch.Text(StatsPath(s.Pool, s.Volume, s.Name))) })
            .OrderBy(s => s.Name, StringComparer.Ordinal).ThenBy(s => s.Pool, StringComparer.Ordinal).ThenBy(s => s.Volume, StringComparer.Ordinal)];
    }

    /// <summary>The snapshot with this name of this volume.</summary>
    /// <exception cref="PvcException">NotFound: "PoolNotFound", "VolumeNotFound" or "SnapshotNotFound".</exception>
    public async Task<Snapshot> GetAsync(string pool, string volume, string name, CancellationToken cancellationToken = default, ReadCounter? counter = null)
    {
        var zk = cluster.ZooKeeper;
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(volume);
        ArgumentNullException.ThrowIfNull(name);
        if (!CephTree.IsValidName(pool))
            throw StorageErrors.PoolNotFound(pool);
        if (!CephTree.IsValidName(volume))
            throw StorageErrors.VolumeNotFound(pool, volume);
        if (!CephTree.IsValidName(name))
            throw StorageErrors.SnapshotNotFound(pool, volume, name);
        var item = $"{pool}/{volume}/{name}";
        var batch = new ZnodeBatch(zk, counter)
            .Data(CephKeys.Pool.Root(pool))
            .Data(CephKeys.Volume.Root($"{pool}/{volume}"))
            .Data(CephKeys.Snapshot.Root(item))
            .Data(CephKeys.Snapshot.Path(item, CephKeys.Stats));
        await batch.ReadAsync(cancellationToken);
        if (batch.Text(CephKeys.Snapshot.Root(item)) is null)
            throw batch.Text(CephKeys.Pool.Root(pool)) is null ? StorageErrors.PoolNotFound(pool)
                : batch.Text(CephKeys.Volume.Root($"{pool}/{volume}")) is null ? StorageErrors.VolumeNotFound(pool, volume)
                : StorageErrors.SnapshotNotFound(pool, volume, name);
        return new Snapshot { Pool = pool, Volume = volume, Name = name, Stats = RbdImageInfo.Parse(batch.Text(CephKeys.Snapshot.Path(item, CephKeys.Stats))) };
    }

    private static string StatsPath(string pool, string volume, string snapshot) => CephKeys.Snapshot.Path($"{pool}/{volume}/{snapshot}", CephKeys.Stats);
}
