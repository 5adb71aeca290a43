namespace Pvc.Testing.Pvc;

/// <summary>Ceph's values exactly as PVC 1.0.3 writes them (ceph.py, keepalive.py); the keys go through <see cref="SeedBatch"/>.</summary>
public static partial class PvcSeed
{
    /// <summary>osd_worker_add_osd's placeholder stats, byte for byte.</summary>
    public const string PlaceholderOsdStats =
        """{"uuid": "|", "up": 0, "in": 0, "primary_affinity": "|", "utilization": "|", "var": "|", "pgs": "|", "kb": "|", "weight": "|", "reweight": "|", "node": "|", "used": "|", "avail": "|", "wr_ops": "|", "wr_data": "|", "rd_ops": "|", "rd_data": "|", "state": "|"}""";

    /// <summary>The keepalive's stats of a reporting OSD (json.dumps of ceph's osd dump / osd df / osd status).</summary>
    public const string ReportedOsdStats =
        """{"uuid": "5a3c1b2e-7d4f-4e6a-9b8c-1d2e3f4a5b6c", "up": 1, "in": 1, "primary_affinity": 1.0, "utilization": 1.0762, "var": 0.98, "pgs": 33, "kb": 976748544, "kb_used": 10512384, "kb_used_data": 9437184, "kb_used_omap": 2, "kb_used_meta": 1075198, "kb_avail": 966236160, "weight": 0.9097, "reweight": 1.0, "class": "ssd", "node": "hv1", "used": "10.0G", "avail": "921G", "wr_ops": "12", "wr_data": "1430k", "rd_ops": "0", "rd_data": "0", "state": "exists,up"}""";

    /// <summary>The keepalive's pool stats.</summary>
    public static string PoolStats(int id) =>
        $$"""{"id": {{id}}, "stored_bytes": 21474836480, "free_bytes": 966236160000, "used_bytes": 64424509440, "used_percent": 0.0625, "num_objects": 5120, "num_object_clones": 0, "num_object_copies": 15360, "num_objects_missing_on_primary": 0, "num_objects_unfound": 0, "num_objects_degraded": 3, "read_ops": 1000, "read_bytes": 4096000, "write_ops": 2000, "write_bytes": 8192000}""";

    /// <summary>rbd info --format json of a volume, as scan_volume stores it.</summary>
    public static string VolumeInfo(string name, int snapshots = 0) =>
        $$"""{"name":"{{name}}","id":"1e8a6b8b4567","size":21474836480,"objects":5120,"order":22,"object_size":4194304,"snapshot_count":{{snapshots}},"block_name_prefix":"rbd_data.1e8a6b8b4567","format":2,"features":["layering","exclusive-lock","object-map","fast-diff","deep-flatten"],"op_features":[],"flags":[],"create_timestamp":"Thu Jan  4 10:00:00 2024","access_timestamp":"Thu Jan  4 10:05:00 2024","modify_timestamp":"Fri Jan 12 08:30:15 2024"}""";

    /// <summary>rbd info --format json of a snapshot, as add_snapshot stores it.</summary>
    public static string SnapshotInfo(string volume) =>
        $$"""{"name":"{{volume}}","id":"1e8a6b8b4567","size":21474836480,"objects":5120,"order":22,"object_size":4194304,"snapshot_count":1,"block_name_prefix":"rbd_data.1e8a6b8b4567","format":2,"features":["layering"],"op_features":[],"flags":[],"create_timestamp":"Thu Jan  4 10:00:00 2024","access_timestamp":"Thu Jan  4 10:05:00 2024","modify_timestamp":"Fri Jan 12 08:30:15 2024","protected":"false"}""";
}
