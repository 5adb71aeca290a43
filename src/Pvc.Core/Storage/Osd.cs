namespace Pvc.Core.Storage;

/// <summary>A Ceph OSD as the cluster records it (<c>/ceph/osds/&lt;id&gt;</c>).</summary>
public sealed record Osd
{
    /// <summary>The OSD's id.</summary>
    public required int Id { get; init; }
    /// <summary>The node the OSD's device is in.</summary>
    public string? Node { get; init; }
    /// <summary>The block device (e.g. /dev/sdb).</summary>
    public string? Device { get; init; }
    /// <summary>The DB/WAL logical volume (e.g. osd-db/osd-3), or null when the OSD has none.</summary>
    public string? DbDevice { get; init; }
    /// <summary>Whether the OSD is one of several sharing a device.</summary>
    public bool IsSplit { get; init; }
    /// <summary>The OSD's fsid (<c>/fsid/osd</c>), or null.</summary>
    public Guid? Fsid { get; init; }
    /// <summary>The Ceph cluster's fsid (<c>/fsid/cluster</c>), or null.</summary>
    public Guid? ClusterFsid { get; init; }
    /// <summary>The OSD's LVM volume group (<c>/lvm/vg</c>), or null.</summary>
    public string? LvmVolumeGroup { get; init; }
    /// <summary>The OSD's LVM logical volume (<c>/lvm/lv</c>), or null.</summary>
    public string? LvmLogicalVolume { get; init; }
    /// <summary>The last reported statistics, or null when absent or unreadable.</summary>
    public OsdStats? Stats { get; init; }
}
