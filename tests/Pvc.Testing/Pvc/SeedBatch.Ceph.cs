namespace Pvc.Testing.Pvc;

/// <summary>Ceph's keys exactly as PVC 1.0.3 writes them (ceph.py).</summary>
public sealed partial class SeedBatch
{
    /// <summary>osd_worker_add_osd's keys.</summary>
    public SeedBatch AddOsd(int id, string node, string device, string dbDevice, string isSplit, string stats,
        string osdFsid = "", string clusterFsid = "", string vg = "", string lv = "")
    {
        var o = $"/ceph/osds/{id}";
        return Add(o).Add($"{o}/node", node).Add($"{o}/device", device).Add($"{o}/db_device", dbDevice)
            .Add($"{o}/fsid").Add($"{o}/fsid/osd", osdFsid).Add($"{o}/fsid/cluster", clusterFsid)
            .Add($"{o}/lvm").Add($"{o}/lvm/vg", vg).Add($"{o}/lvm/lv", lv)
            .Add($"{o}/is_split", isSplit).Add($"{o}/stats", stats);
    }

    /// <summary>add_pool's keys ("{}" stats until the keepalive reports), and its volume and snapshot folders.</summary>
    public SeedBatch AddPool(string name, string pgs, string tier, string stats = "{}") =>
        Add($"/ceph/pools/{name}").Add($"/ceph/pools/{name}/pgs", pgs).Add($"/ceph/pools/{name}/tier", tier)
            .Add($"/ceph/pools/{name}/stats", stats).Add($"/ceph/volumes/{name}").Add($"/ceph/snapshots/{name}");

    /// <summary>add_volume's keys ("" stats, then scan_volume's rbd info).</summary>
    public SeedBatch AddVolume(string pool, string name, string? stats = null) =>
        Add($"/ceph/volumes/{pool}/{name}").Add($"/ceph/volumes/{pool}/{name}/stats", stats ?? PvcSeed.VolumeInfo(name))
            .Add($"/ceph/snapshots/{pool}/{name}");

    /// <summary>add_snapshot's keys.</summary>
    public SeedBatch AddSnapshot(string pool, string volume, string name, string? stats = null) =>
        Add($"/ceph/snapshots/{pool}/{volume}/{name}").Add($"/ceph/snapshots/{pool}/{volume}/{name}/stats", stats ?? PvcSeed.SnapshotInfo(volume));

    /// <summary>The base keys PVC's cluster init creates for storage.</summary>
    public SeedBatch AddStorageBase() =>
        Add("/ceph").Add("/ceph/health").Add("/ceph/util").Add("/ceph/osds").Add("/ceph/pools").Add("/ceph/volumes").Add("/ceph/snapshots");
}
