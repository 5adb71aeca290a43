using Pvc.Core.Connection;
using System.Globalization;
using Pvc.Core.Errors;
using Pvc.Core.Reading;
using Pvc.Core.Schema;
using Pvc.ZooKeeper;

namespace Pvc.Core.Storage;

/// <summary>Reads OSDs in a constant number of round trips: the list of ids, then every OSD's keys at once.</summary>
public sealed class OsdReader(ClusterConnection cluster)
{
    private static readonly string[] Keys =
    [
        CephKeys.OsdNode, CephKeys.OsdDevice, CephKeys.OsdDbDevice, CephKeys.OsdFsidOsd, CephKeys.OsdFsidCluster,
        CephKeys.OsdLvmVg, CephKeys.OsdLvmLv, CephKeys.OsdIsSplit, CephKeys.Stats,
    ];

    /// <summary>The OSDs, sorted by id; with a <paramref name="limit"/>, those whose id matches it (PVC's LIMIT, implicitly fuzzy).</summary>
    /// <exception cref="PvcException">InvalidArgument: "InvalidLimit": the limit is not a valid regular expression.</exception>
    public async Task<IReadOnlyList<Osd>> ListAsync(string? limit = null, CancellationToken cancellationToken = default, ReadCounter? counter = null)
    {
        var zk = cluster.ZooKeeper;
        var filter = LimitPattern.Of(limit);
        var batch = new ZnodeBatch(zk, counter).Children(BaseKeys.Osds);
        await batch.ReadAsync(cancellationToken);
        var ids = LockNodes.Without(batch.ChildrenOf(BaseKeys.Osds) ?? [])
            .Where(filter.IsMatch)
            .Select(c => int.TryParse(c, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : (int?)null)
            .OfType<int>()
            .Order()
            .ToList();
        return await ReadAsync(zk, ids, cancellationToken, counter);
    }

    /// <summary>The OSD with this id.</summary>
    /// <exception cref="PvcException">NotFound: "OsdNotFound".</exception>
    public async Task<Osd> GetAsync(int id, CancellationToken cancellationToken = default, ReadCounter? counter = null)
    {
        var zk = cluster.ZooKeeper;
        var found = await ReadAsync(zk, [id], cancellationToken, counter);
        return found.Count > 0 ? found[0] : throw StorageErrors.OsdNotFound(id.ToString(CultureInfo.InvariantCulture));
    }

    private static async Task<IReadOnlyList<Osd>> ReadAsync(ZooKeeperClient zk, IReadOnlyList<int> ids, CancellationToken cancellationToken, ReadCounter? counter)
    {
        static string PathOf(int id, string key) => CephKeys.Osd.Path(id.ToString(CultureInfo.InvariantCulture), key);
        var batch = new ZnodeBatch(zk, counter);
        foreach (var id in ids)
        {
            batch.Data(PathOf(id, CephKeys.Root));
            foreach (var key in Keys)
                batch.Data(PathOf(id, key));
        }
        await batch.ReadAsync(cancellationToken);
        return [.. ids.Where(id => batch.Text(PathOf(id, CephKeys.Root)) is not null).Select(id =>
        {
            string? Get(string key) => batch.Text(PathOf(id, key));
            return new Osd
            {
                Id = id,
                Node = PvcText.Decode(Get(CephKeys.OsdNode)),
                Device = PvcText.Decode(Get(CephKeys.OsdDevice)),
                DbDevice = PvcText.Decode(Get(CephKeys.OsdDbDevice)),
                IsSplit = PvcBool.Decode(Get(CephKeys.OsdIsSplit) ?? CephKeys.Osd.DefaultOf(CephKeys.OsdIsSplit)),
                Fsid = Guid.TryParse(Get(CephKeys.OsdFsidOsd), out var fsid) ? fsid : null,
                ClusterFsid = Guid.TryParse(Get(CephKeys.OsdFsidCluster), out var clusterFsid) ? clusterFsid : null,
                LvmVolumeGroup = PvcText.Decode(Get(CephKeys.OsdLvmVg)),
                LvmLogicalVolume = PvcText.Decode(Get(CephKeys.OsdLvmLv)),
                Stats = OsdStats.Parse(Get(CephKeys.Stats)),
            };
        })];
    }
}
