using Pvc.Core.Connection;
using Pvc.Core.Errors;
using Pvc.Core.Reading;
using Pvc.Core.Schema;
using Pvc.ZooKeeper;

namespace Pvc.Core.Storage;

/// <summary>
/// Reads volumes in a constant number of round trips: the pools, every pool's volume listing at once,
/// then every volume's stats at once.
/// </summary>
public sealed class VolumeReader(ClusterConnection cluster)
{
    /// <summary>
    /// The volumes of one pool, or of every pool when <paramref name="pool"/> is null, sorted by name then
    /// pool; with a <paramref name="limit"/>, those whose name matches it (PVC's LIMIT, implicitly fuzzy).
    /// </summary>
    /// <exception cref="PvcException">NotFound: "PoolNotFound": the named pool does not exist.</exception>
    /// <exception cref="PvcException">InvalidArgument: "InvalidLimit": the limit is not a valid regular expression.</exception>
    public async Task<IReadOnlyList<Volume>> ListAsync(string? pool = null, string? limit = null, CancellationToken cancellationToken = default, ReadCounter? counter = null)
    {
        var zk = cluster.ZooKeeper;
        var filter = LimitPattern.Of(limit);
        if (pool is not null && !CephTree.IsValidName(pool))
            throw StorageErrors.PoolNotFound(pool);
        var volumes = (await CephTree.VolumesAsync(zk, pool, cancellationToken, counter)).Where(v => filter.IsMatch(v.Name)).ToList();
        var batch = new ZnodeBatch(zk, counter);
        foreach (var (p, v) in volumes)
            batch.Data(StatsPath(p, v));
        await batch.ReadAsync(cancellationToken);
        return [.. volumes
            .Select(v => new Volume { Pool = v.Pool, Name = v.Name, Stats = RbdImageInfo.Parse(batch.Text(StatsPath(v.Pool, v.Name))) })
            .OrderBy(v => v.Name, StringComparer.Ordinal).ThenBy(v => v.Pool, StringComparer.Ordinal)];
    }

    /// <summary>The volume with this name in this pool.</summary>
    /// <exception cref="PvcException">NotFound: "PoolNotFound" or "VolumeNotFound".</exception>
    public async Task<Volume> GetAsync(string pool, string name, CancellationToken cancellationToken = default, ReadCounter? counter = null)
    {
        var zk = cluster.ZooKeeper;
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(name);
        if (!CephTree.IsValidName(pool))
            throw StorageErrors.PoolNotFound(pool);
        if (!CephTree.IsValidName(name))
            throw StorageErrors.VolumeNotFound(pool, name);
        var item = $"{pool}/{name}";
        var batch = new ZnodeBatch(zk, counter)
            .Data(CephKeys.Pool.Root(pool))
            .Data(CephKeys.Volume.Root(item))
            .Data(CephKeys.Volume.Path(item, CephKeys.Stats));
        await batch.ReadAsync(cancellationToken);
        if (batch.Text(CephKeys.Volume.Root(item)) is null)
            throw batch.Text(CephKeys.Pool.Root(pool)) is null ? StorageErrors.PoolNotFound(pool) : StorageErrors.VolumeNotFound(pool, name);
        return new Volume { Pool = pool, Name = name, Stats = RbdImageInfo.Parse(batch.Text(CephKeys.Volume.Path(item, CephKeys.Stats))) };
    }

    private static string StatsPath(string pool, string volume) => CephKeys.Volume.Path($"{pool}/{volume}", CephKeys.Stats);
}
