using System.Globalization;
using System.Text;
using Pvc.Core.Connection;
using Pvc.Core.Errors;
using Pvc.Core.Reading;
using Pvc.Core.Schema;
using Pvc.ZooKeeper;

namespace Pvc.Core.Storage;

/// <summary>
/// What the OSD's node writes once ceph-volume has made or removed an OSD: PVC's keys under
/// <c>/ceph/osds/&lt;id&gt;</c>, each change one transaction.
/// </summary>
public sealed class OsdHostOperations(ClusterConnection cluster)
{
    /// <summary>
    /// The stats document PVC writes for a new OSD until the primary's keepalive fills it in: "|" for every figure
    /// (PVC's own literal, so its tools read the placeholder as they do on a PVC cluster).
    /// </summary>
    public const string PlaceholderStats =
        "{\"uuid\": \"|\", \"up\": 0, \"in\": 0, \"primary_affinity\": \"|\", \"utilization\": \"|\", \"var\": \"|\", \"pgs\": \"|\", \"kb\": \"|\", \"weight\": \"|\", \"reweight\": \"|\", \"node\": \"|\", \"used\": \"|\", \"avail\": \"|\", \"wr_ops\": \"|\", \"wr_data\": \"|\", \"rd_ops\": \"|\", \"rd_data\": \"|\", \"state\": \"|\"}";

    /// <summary>
    /// Records a new OSD as PVC does (root, node, device, db_device, fsid "" with fsid/osd and fsid/cluster, lvm "" with
    /// lvm/vg and lvm/lv, is_split, placeholder stats), in one transaction; an OSD recorded under that id before
    /// (a replaced OSD keeps its id) has its keys replaced in the same transaction.
    /// </summary>
    /// <exception cref="PvcException">InvalidArgument: "InvalidNodeName", "InvalidOsdDevice"; ConnectionError: "StorageKeysUnconfirmed" (the answer lost, the keys unread: do not undo).</exception>
    public async Task RecordAsync(OsdRecord osd, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(osd);
        Nodes.NodeName.Validate(osd.Node);
        OsdDevice.Parse(osd.Device);
        var id = Id(osd.Id);
        var values = new (string Key, string Value)[]
        {
            (CephKeys.Root, ""),
            (CephKeys.OsdNode, osd.Node),
            (CephKeys.OsdDevice, osd.Device),
            (CephKeys.OsdDbDevice, osd.DbDevice),
            (CephKeys.OsdFsid, ""),
            (CephKeys.OsdFsidOsd, osd.Fsid.ToString()),
            (CephKeys.OsdFsidCluster, osd.ClusterFsid.ToString()),
            (CephKeys.OsdLvm, ""),
            (CephKeys.OsdLvmVg, osd.VolumeGroup),
            (CephKeys.OsdLvmLv, osd.LogicalVolume),
            (CephKeys.OsdIsSplit, PvcBool.Encode(osd.IsSplit)),
            (CephKeys.Stats, PlaceholderStats),
        };
        var zk = cluster.ZooKeeper;
        var old = await ZnodeTree.WalkAsync(zk, [CephKeys.Osd.Path(id, CephKeys.Root)], withVersions: true, null, cancellationToken);
        var ops = new List<Op>();
        ops.AddRange(old.OrderByDescending(e => e.Depth).Select(e => Op.Delete(e.Path, e.Version)));
        ops.AddRange(values.Select(v => Op.Create(CephKeys.Osd.Path(id, v.Key), Encoding.UTF8.GetBytes(v.Value))));
        await StorageTransaction.CommitAsync(zk, ops, $"osd.{id}", cancellationToken);
    }

    /// <summary>Removes an OSD's keys (PVC's remove_osd), in one transaction; an OSD not recorded is left as it is.</summary>
    public async Task ForgetAsync(int osdId, CancellationToken cancellationToken = default)
    {
        var zk = cluster.ZooKeeper;
        var tree = await ZnodeTree.WalkAsync(zk, [CephKeys.Osd.Path(Id(osdId), CephKeys.Root)], withVersions: true, null, cancellationToken);
        if (tree.Count > 0)
            await StorageTransaction.CommitAsync(zk, [.. tree.OrderByDescending(e => e.Depth).Select(e => Op.Delete(e.Path, e.Version))], $"osd.{osdId}", cancellationToken);
    }

    private static string Id(int id) => id >= 0 ? id.ToString(CultureInfo.InvariantCulture) : throw new ArgumentOutOfRangeException(nameof(id), id, "An OSD id is not negative.");
}
