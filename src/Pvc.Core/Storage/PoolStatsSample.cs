using Pvc.Core.Schema;

namespace Pvc.Core.Storage;

/// <summary>
/// One pool's figures as the primary gathers them each keepalive (PVC: <c>ceph df</c> merged with <c>rados df</c>), to
/// be written to <c>/ceph/pools/&lt;name&gt;/stats</c>; <see cref="PoolStats"/> reads them back.
/// </summary>
public sealed record PoolStatsSample
{
    /// <summary>The pool's name.</summary>
    public required string Name { get; init; }
    /// <summary>Ceph's pool id.</summary>
    public required long Id { get; init; }
    /// <summary>Bytes stored (before replication).</summary>
    public required long StoredBytes { get; init; }
    /// <summary>Bytes clients can still store (ceph's max_avail).</summary>
    public required long FreeBytes { get; init; }
    /// <summary>Raw bytes used (after replication).</summary>
    public required long UsedBytes { get; init; }
    /// <summary>Used fraction, ceph's percent_used (0 to 1).</summary>
    public required double UsedPercent { get; init; }
    /// <summary>Objects.</summary>
    public required long Objects { get; init; }
    /// <summary>Object clones.</summary>
    public long ObjectClones { get; init; }
    /// <summary>Object copies.</summary>
    public long ObjectCopies { get; init; }
    /// <summary>Objects missing on their primary OSD.</summary>
    public long ObjectsMissingOnPrimary { get; init; }
    /// <summary>Unfound objects.</summary>
    public long ObjectsUnfound { get; init; }
    /// <summary>Degraded objects.</summary>
    public long ObjectsDegraded { get; init; }
    /// <summary>Read operations.</summary>
    public long ReadOps { get; init; }
    /// <summary>Bytes read.</summary>
    public long ReadBytes { get; init; }
    /// <summary>Write operations.</summary>
    public long WriteOps { get; init; }
    /// <summary>Bytes written.</summary>
    public long WriteBytes { get; init; }

    /// <summary>The stats document in PVC's shape and key order.</summary>
    public string ToJson() => new PvcJsonWriter()
        .Add("id", Id).Add("stored_bytes", StoredBytes).Add("free_bytes", FreeBytes).Add("used_bytes", UsedBytes)
        .Add("used_percent", UsedPercent).Add("num_objects", Objects).Add("num_object_clones", ObjectClones)
        .Add("num_object_copies", ObjectCopies).Add("num_objects_missing_on_primary", ObjectsMissingOnPrimary)
        .Add("num_objects_unfound", ObjectsUnfound).Add("num_objects_degraded", ObjectsDegraded)
        .Add("read_ops", ReadOps).Add("read_bytes", ReadBytes).Add("write_ops", WriteOps).Add("write_bytes", WriteBytes)
        .ToString();
}
