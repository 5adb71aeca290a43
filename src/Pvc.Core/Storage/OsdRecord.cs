namespace Pvc.Core.Storage;

/// <summary>
/// What the OSD's node records in ZooKeeper once ceph-volume has made an OSD (PVC's keys under
/// <c>/ceph/osds/&lt;id&gt;</c>, schema v15, section 2.6 of the inventory).
/// </summary>
/// <param name="Id">The OSD's id.</param>
/// <param name="Node">The node whose disk it is.</param>
/// <param name="Device">The device as the user gave it (PVC keeps the detect string when one was given).</param>
/// <param name="DbDevice">The external DB logical volume (<c>osd-db/osd-&lt;id&gt;</c>), or "" for none.</param>
/// <param name="Fsid">The OSD's own fsid (ceph-volume's osd_uuid).</param>
/// <param name="ClusterFsid">The Ceph cluster's fsid.</param>
/// <param name="VolumeGroup">The LVM volume group holding its data, or "" when ceph-volume used the raw device.</param>
/// <param name="LogicalVolume">The LVM logical volume, or "".</param>
/// <param name="IsSplit">True when the device carries more than one OSD.</param>
public sealed record OsdRecord(int Id, string Node, string Device, string DbDevice, Guid Fsid, Guid ClusterFsid, string VolumeGroup, string LogicalVolume, bool IsSplit);
