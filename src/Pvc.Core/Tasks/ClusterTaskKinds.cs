namespace Pvc.Core.Tasks;

/// <summary>
/// The kinds of cluster task: PVC's Celery task names where PVC has one, and the same style for what PVC's API does
/// synchronously on the primary and Pvc runs as a task. A node service runs the kinds it has a handler for; any other
/// fails on it with "TaskKindUnknown" (an older node service).
/// </summary>
public static class ClusterTaskKinds
{
    /// <summary>Creates an OSD on a node's disk (PVC: <c>osd.add</c>, on the OSD's node).</summary>
    public const string OsdAdd = "osd.add";
    /// <summary>Replaces an OSD's disk (PVC: <c>osd.replace</c>).</summary>
    public const string OsdReplace = "osd.replace";
    /// <summary>Re-activates an OSD after a node's reinstall (PVC: <c>osd.refresh</c>).</summary>
    public const string OsdRefresh = "osd.refresh";
    /// <summary>Removes an OSD (PVC: <c>osd.remove</c>).</summary>
    public const string OsdRemove = "osd.remove";
    /// <summary>Creates the OSD database volume group on a node (PVC: <c>osd.add_db_vg</c>).</summary>
    public const string OsdAddDbVg = "osd.add_db_vg";
    /// <summary>Marks an OSD in.</summary>
    public const string OsdIn = "osd.in";
    /// <summary>Marks an OSD out.</summary>
    public const string OsdOut = "osd.out";
    /// <summary>Sets a cluster-wide OSD flag.</summary>
    public const string OsdSet = "osd.set";
    /// <summary>Unsets a cluster-wide OSD flag.</summary>
    public const string OsdUnset = "osd.unset";
    /// <summary>Runs the storage benchmark (PVC: <c>storage.benchmark</c>).</summary>
    public const string StorageBenchmark = "storage.benchmark";
    /// <summary>Breaks the RBD locks of a VM's disks (PVC: <c>vm.flush_locks</c>, on the VM's node).</summary>
    public const string VmFlushLocks = "vm.flush_locks";
    /// <summary>Changes a running VM on its node (a NIC attached or detached, vCPUs or memory set live: PVC's API <c>/vm/&lt;vm&gt;/device</c>).</summary>
    public const string VmLiveChange = "vm.live_change";
    /// <summary>PVC's vm remove: stop the VM, remove its RBD volumes, then its keys and theirs in one transaction.</summary>
    public const string VmRemove = "vm.remove";
    /// <summary>PVC's vm rename of a VM with RBD volumes named after it: the volumes renamed in Ceph, then the VM's keys and theirs in one transaction.</summary>
    public const string VmRename = "vm.rename";
    /// <summary>Creates a pool.</summary>
    public const string PoolAdd = "pool.add";
    /// <summary>Removes a pool.</summary>
    public const string PoolRemove = "pool.remove";
    /// <summary>Sets a pool's placement groups.</summary>
    public const string PoolSetPgs = "pool.set_pgs";
    /// <summary>Creates a volume.</summary>
    public const string VolumeAdd = "volume.add";
    /// <summary>Removes a volume.</summary>
    public const string VolumeRemove = "volume.remove";
    /// <summary>Resizes a volume.</summary>
    public const string VolumeResize = "volume.resize";
    /// <summary>Renames a volume.</summary>
    public const string VolumeRename = "volume.rename";
    /// <summary>Clones a volume.</summary>
    public const string VolumeClone = "volume.clone";
    /// <summary>Uploads an image into a volume.</summary>
    public const string VolumeUpload = "volume.upload";
    /// <summary>Creates a volume snapshot.</summary>
    public const string SnapshotAdd = "snapshot.add";
    /// <summary>Renames a volume snapshot.</summary>
    public const string SnapshotRename = "snapshot.rename";
    /// <summary>Removes a volume snapshot.</summary>
    public const string SnapshotRemove = "snapshot.remove";
    /// <summary>Rolls a volume back to a snapshot.</summary>
    public const string SnapshotRollback = "snapshot.rollback";

    /// <summary>What a kind may be, for messages.</summary>
    public const string Rule = "1 to 64 lowercase letters, digits, '_' or '-', in dot-separated parts (e.g. volume.add)";

    /// <summary>True when <paramref name="kind"/> follows <see cref="Rule"/>.</summary>
    public static bool IsValid(string? kind) =>
        kind is { Length: > 0 and <= 64 } && kind.Split('.').All(p => p.Length > 0 && p.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_' or '-'));
}
