using System.Globalization;
using System.Text;
using Pvc.Core.Connection;
using Pvc.Core.Reading;
using Pvc.Core.Schema;
using Pvc.ZooKeeper;

namespace Pvc.Core.Storage;

/// <summary>
/// What a node service writes about Ceph: the primary's stats each keepalive, and the keys of pools, volumes and
/// snapshots once Ceph has made, changed or removed them (each change in one transaction).
/// </summary>
public sealed partial class StorageHostOperations(ClusterConnection cluster)
{
    private const int Attempts = 3;

    private ZooKeeperClient Zk => cluster.ZooKeeper;

    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    /// <summary>
    /// Writes <c>/ceph</c>, <c>/ceph/health</c>, <c>/ceph/util</c> and the stats of every pool and OSD the cluster
    /// records (a pool or OSD Ceph has and the cluster does not is left out, as PVC does) in one transaction.
    /// </summary>
    public async Task WriteStatsAsync(CephStatsReport report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        for (var attempt = 1; ; attempt++)
        {
            var batch = new ZnodeBatch(Zk).Children(BaseKeys.Pools).Children(BaseKeys.Osds);
            await batch.ReadAsync(cancellationToken);
            var pools = LockNodes.Without(batch.ChildrenOf(BaseKeys.Pools) ?? []).ToHashSet(StringComparer.Ordinal);
            var osds = LockNodes.Without(batch.ChildrenOf(BaseKeys.Osds) ?? []).ToHashSet(StringComparer.Ordinal);
            var poolWrites = report.Pools.Where(p => pools.Contains(p.Name)).ToList();
            var osdWrites = report.Osds.Where(o => osds.Contains(Id(o.Id))).ToList();
            // a stats key that is missing (a half-written element) would fail the whole transaction: only existing ones
            foreach (var p in poolWrites)
                batch.Data(CephKeys.Pool.Path(p.Name, CephKeys.Stats));
            foreach (var o in osdWrites)
                batch.Data(CephKeys.Osd.Path(Id(o.Id), CephKeys.Stats));
            await batch.ReadAsync(cancellationToken);
            var ops = new List<Op>
            {
                Op.SetData(BaseKeys.Storage, Utf8(report.StatusText)),
                Op.SetData(BaseKeys.StorageHealth, Utf8(report.HealthJson)),
                Op.SetData(BaseKeys.StorageUtil, Utf8(report.UsageText)),
            };
            ops.AddRange(poolWrites.Where(p => batch.StatOf(CephKeys.Pool.Path(p.Name, CephKeys.Stats)) is not null)
                .Select(p => Op.SetData(CephKeys.Pool.Path(p.Name, CephKeys.Stats), Utf8(p.ToJson()))));
            ops.AddRange(osdWrites.Where(o => batch.StatOf(CephKeys.Osd.Path(Id(o.Id), CephKeys.Stats)) is not null)
                .Select(o => Op.SetData(CephKeys.Osd.Path(Id(o.Id), CephKeys.Stats), Utf8(o.ToJson()))));
            try
            {
                await Zk.MultiAsync(ops, cancellationToken);
                return;
            }
            catch (NoNodeException) when (attempt < Attempts)
            {
                // a pool or OSD removed between the read and the write: read the lists again
            }
        }
    }

    private static string Id(int id) => id.ToString(CultureInfo.InvariantCulture);

    /// <summary>A pool Ceph has made (PVC's add_pool): its keys, "{}" stats until the next report, and its volume and snapshot folders.</summary>
    public Task AddPoolAsync(PoolRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var pool = request.Name;
        return Commit(
        [
            Op.Create(CephKeys.Pool.Root(pool), ReadOnlyMemory<byte>.Empty),
            Op.Create(CephKeys.Pool.Path(pool, CephKeys.PoolPgs), Utf8(PvcNumber.Encode(request.PlacementGroups ?? 0))),
            Op.Create(CephKeys.Pool.Path(pool, CephKeys.PoolTier), Utf8(Wire.PoolTier.Encode(request.Tier))),
            Op.Create(CephKeys.Pool.Path(pool, CephKeys.Stats), Utf8("{}")),
            Op.Create(CephKeys.Volume.Root(pool), ReadOnlyMemory<byte>.Empty),
            Op.Create(CephKeys.Snapshot.Root(pool), ReadOnlyMemory<byte>.Empty),
        ], cancellationToken);
    }

    /// <summary>A pool's new placement group count.</summary>
    public Task SetPoolPgsAsync(string pool, int placementGroups, CancellationToken cancellationToken) =>
        Commit([Op.SetData(CephKeys.Pool.Path(pool, CephKeys.PoolPgs), Utf8(PvcNumber.Encode(placementGroups)))], cancellationToken);

    /// <summary>A pool Ceph has removed: its keys and every volume's and snapshot's under it, in one transaction.</summary>
    public Task RemovePoolAsync(string pool, CancellationToken cancellationToken) =>
        DeleteTreesAsync([CephKeys.Pool.Root(pool), CephKeys.Volume.Root(pool), CephKeys.Snapshot.Root(pool)], cancellationToken);

    /// <summary>A volume Ceph has made (PVC's add_volume and scan): its keys with rbd info, and its snapshot folder.</summary>
    public Task AddVolumeAsync(string pool, string volume, RbdImageSample info, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(info);
        var item = $"{pool}/{volume}";
        return Commit(
        [
            Op.Create(CephKeys.Volume.Root(item), ReadOnlyMemory<byte>.Empty),
            Op.Create(CephKeys.Volume.Path(item, CephKeys.Stats), Utf8(info.ToJson())),
            Op.Create(CephKeys.Snapshot.Root(item), ReadOnlyMemory<byte>.Empty),
        ], cancellationToken);
    }

    /// <summary>A volume's rbd info after a change (resize, rollback, a snapshot taken or removed): PVC's scan_volume.</summary>
    public Task UpdateVolumeAsync(string pool, string volume, RbdImageSample info, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(info);
        return Commit([Op.SetData(CephKeys.Volume.Path($"{pool}/{volume}", CephKeys.Stats), Utf8(info.ToJson()))], cancellationToken);
    }

    /// <summary>A volume Ceph has removed: its keys and its snapshots', in one transaction.</summary>
    public Task RemoveVolumeAsync(string pool, string volume, CancellationToken cancellationToken) =>
        DeleteTreesAsync([CephKeys.Volume.Root($"{pool}/{volume}"), CephKeys.Snapshot.Root($"{pool}/{volume}")], cancellationToken);

    /// <summary>A volume Ceph has renamed: its keys and its snapshots' move to the new name, in one transaction.</summary>
    public async Task RenameVolumeAsync(string pool, string volume, string newName, RbdImageSample info, CancellationToken cancellationToken) =>
        await Commit(await RenameVolumeOpsAsync(pool, volume, newName, info, cancellationToken), cancellationToken);

    /// <summary>
    /// The operations that move a renamed volume's keys and its snapshots' to the new name (made under the new name with
    /// <paramref name="info"/> as its stats, the old ones deleted), for a transaction that may hold more.
    /// </summary>
    internal async Task<List<Op>> RenameVolumeOpsAsync(string pool, string volume, string newName, RbdImageSample info, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(info);
        var from = $"{pool}/{volume}";
        var to = $"{pool}/{newName}";
        var oldTree = await ZnodeTree.WalkAsync(Zk, [CephKeys.Volume.Root(from), CephKeys.Snapshot.Root(from)], withVersions: false, null, cancellationToken);
        var snapshotRoot = CephKeys.Snapshot.Root(from);
        var snapshots = oldTree.Where(e => e.Path.StartsWith(snapshotRoot + "/", StringComparison.Ordinal)).OrderBy(e => e.Depth).ToList();
        var batch = new ZnodeBatch(Zk);
        foreach (var e in snapshots)
            batch.Data(e.Path);
        await batch.ReadAsync(cancellationToken);
        var ops = new List<Op>
        {
            Op.Create(CephKeys.Volume.Root(to), ReadOnlyMemory<byte>.Empty),
            Op.Create(CephKeys.Volume.Path(to, CephKeys.Stats), Utf8(info.ToJson())),
            Op.Create(CephKeys.Snapshot.Root(to), ReadOnlyMemory<byte>.Empty),
        };
        ops.AddRange(snapshots.Select(e => Op.Create(CephKeys.Snapshot.Root(to) + e.Path[snapshotRoot.Length..], batch.Bytes(e.Path) ?? ReadOnlyMemory<byte>.Empty)));
        ops.AddRange(oldTree.OrderByDescending(e => e.Depth).ThenByDescending(e => e.Path, StringComparer.Ordinal).Select(e => Op.Delete(e.Path)));
        return ops;
    }

    /// <summary>A snapshot Ceph has taken (PVC's add_snapshot): its keys with rbd info, and its volume's new info, in one transaction.</summary>
    public Task AddSnapshotAsync(string pool, string volume, string snapshot, RbdImageSample info, RbdImageSample volumeInfo, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(info);
        ArgumentNullException.ThrowIfNull(volumeInfo);
        var item = $"{pool}/{volume}/{snapshot}";
        return Commit(
        [
            Op.Create(CephKeys.Snapshot.Root(item), ReadOnlyMemory<byte>.Empty),
            Op.Create(CephKeys.Snapshot.Path(item, CephKeys.Stats), Utf8(info.ToJson())),
            Op.SetData(CephKeys.Volume.Path($"{pool}/{volume}", CephKeys.Stats), Utf8(volumeInfo.ToJson())),
        ], cancellationToken);
    }

    /// <summary>A snapshot Ceph has renamed: its keys move to the new name, in one transaction.</summary>
    public async Task RenameSnapshotAsync(string pool, string volume, string snapshot, string newName, RbdImageSample info, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(info);
        var from = $"{pool}/{volume}/{snapshot}";
        var to = $"{pool}/{volume}/{newName}";
        var tree = await ZnodeTree.WalkAsync(Zk, [CephKeys.Snapshot.Root(from)], withVersions: false, null, cancellationToken);
        var ops = new List<Op>
        {
            Op.Create(CephKeys.Snapshot.Root(to), ReadOnlyMemory<byte>.Empty),
            Op.Create(CephKeys.Snapshot.Path(to, CephKeys.Stats), Utf8(info.ToJson())),
        };
        ops.AddRange(tree.OrderByDescending(e => e.Depth).Select(e => Op.Delete(e.Path)));
        await Commit(ops, cancellationToken);
    }

    /// <summary>A snapshot Ceph has removed: its keys, and its volume's new info, in one transaction.</summary>
    public async Task RemoveSnapshotAsync(string pool, string volume, string snapshot, RbdImageSample volumeInfo, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(volumeInfo);
        var tree = await ZnodeTree.WalkAsync(Zk, [CephKeys.Snapshot.Root($"{pool}/{volume}/{snapshot}")], withVersions: false, null, cancellationToken);
        await Commit([.. tree.OrderByDescending(e => e.Depth).Select(e => Op.Delete(e.Path)),
            Op.SetData(CephKeys.Volume.Path($"{pool}/{volume}", CephKeys.Stats), Utf8(volumeInfo.ToJson()))], cancellationToken);
    }

    private Task Commit(IReadOnlyList<Op> ops, CancellationToken cancellationToken) =>
        StorageTransaction.CommitAsync(Zk, ops, ops.Count > 0 ? ops[0].Path : "", cancellationToken);

    private async Task DeleteTreesAsync(IReadOnlyList<string> roots, CancellationToken cancellationToken)
    {
        var tree = await ZnodeTree.WalkAsync(Zk, roots, withVersions: false, null, cancellationToken);
        if (tree.Count > 0)
            await Commit([.. tree.OrderByDescending(e => e.Depth).ThenByDescending(e => e.Path, StringComparer.Ordinal).Select(e => Op.Delete(e.Path))], cancellationToken);
    }
}
