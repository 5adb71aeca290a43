namespace Pvc.Core.Schema;

/// <summary>Keys of OSDs, pools, volumes and snapshots under <c>/ceph</c>.</summary>
public static class CephKeys
{
#pragma warning disable CS1591 // the names are PVC's keys; the inventory documents each
    public const string Root = "";
    public const string Stats = "/stats";

    public const string OsdNode = "/node";
    public const string OsdDevice = "/device";
    public const string OsdDbDevice = "/db_device";
    public const string OsdFsid = "/fsid";
    public const string OsdFsidOsd = "/fsid/osd";
    public const string OsdFsidCluster = "/fsid/cluster";
    public const string OsdLvm = "/lvm";
    public const string OsdLvmVg = "/lvm/vg";
    public const string OsdLvmLv = "/lvm/lv";
    public const string OsdIsSplit = "/is_split";

    public const string PoolPgs = "/pgs";
    public const string PoolTier = "/tier";
#pragma warning restore CS1591

    /// <summary>OSDs, <c>/ceph/osds/&lt;id&gt;</c>; validation defaults is_split to "False".</summary>
    public static ElementSchema Osd { get; } = new("osd", BaseKeys.Osds,
        [Root, OsdNode, OsdDevice, OsdDbDevice, OsdFsid, OsdFsidOsd, OsdFsidCluster, OsdLvm, OsdLvmVg, OsdLvmLv, OsdIsSplit, Stats],
        new Dictionary<string, string> { [OsdIsSplit] = "False" });

    /// <summary>Pools, <c>/ceph/pools/&lt;name&gt;</c>; validation defaults tier to "default".</summary>
    public static ElementSchema Pool { get; } = new("pool", BaseKeys.Pools, [Root, PoolPgs, PoolTier, Stats],
        new Dictionary<string, string> { [PoolTier] = "default" });

    /// <summary>Volumes, <c>/ceph/volumes/&lt;pool&gt;/&lt;volume&gt;</c> (item = "pool/volume").</summary>
    public static ElementSchema Volume { get; } = new("volume", BaseKeys.Volumes, [Root, Stats]);

    /// <summary>Snapshots, <c>/ceph/snapshots/&lt;pool&gt;/&lt;volume&gt;/&lt;snapshot&gt;</c> (item = "pool/volume/snapshot").</summary>
    public static ElementSchema Snapshot { get; } = new("snapshot", BaseKeys.Snapshots, [Root, Stats]);
}
