using Pvc.Core.Schema;

namespace Pvc.Core.Storage;

/// <summary>
/// A pool's statistics as the primary coordinator last reported them (<c>/ceph/pools/&lt;name&gt;/stats</c>,
/// from ceph df and rados df). A new pool's document is "{}", which parses with every value null.
/// </summary>
public sealed record PoolStats
{
    /// <summary>Ceph's pool id.</summary>
    public int? Id { get; init; }
    /// <summary>Bytes stored (before replication).</summary>
    public long? StoredBytes { get; init; }
    /// <summary>Bytes that can still be stored (ceph's max_avail).</summary>
    public long? FreeBytes { get; init; }
    /// <summary>Raw bytes used (after replication).</summary>
    public long? UsedBytes { get; init; }
    /// <summary>Used fraction, as ceph reports percent_used (0 to 1).</summary>
    public double? UsedPercent { get; init; }
    /// <summary>Objects.</summary>
    public long? Objects { get; init; }
    /// <summary>Object clones.</summary>
    public long? ObjectClones { get; init; }
    /// <summary>Object copies.</summary>
    public long? ObjectCopies { get; init; }
    /// <summary>Objects missing on their primary OSD.</summary>
    public long? ObjectsMissingOnPrimary { get; init; }
    /// <summary>Unfound objects.</summary>
    public long? ObjectsUnfound { get; init; }
    /// <summary>Degraded objects.</summary>
    public long? ObjectsDegraded { get; init; }
    /// <summary>Read operations.</summary>
    public long? ReadOps { get; init; }
    /// <summary>Bytes read.</summary>
    public long? ReadBytes { get; init; }
    /// <summary>Write operations.</summary>
    public long? WriteOps { get; init; }
    /// <summary>Bytes written.</summary>
    public long? WriteBytes { get; init; }
    /// <summary>The whole document, for fields not typed here.</summary>
    public required string Json { get; init; }

    /// <summary>Parses the stats document; null for "", "None" or anything that is not a JSON object.</summary>
    public static PoolStats? Parse(string? json)
    {
        if (PvcJson.ParseObject(json) is not { } o)
            return null;
        return new PoolStats
        {
            Id = PvcJson.Int(o, "id"),
            StoredBytes = PvcJson.Long(o, "stored_bytes"),
            FreeBytes = PvcJson.Long(o, "free_bytes"),
            UsedBytes = PvcJson.Long(o, "used_bytes"),
            UsedPercent = PvcJson.Double(o, "used_percent"),
            Objects = PvcJson.Long(o, "num_objects"),
            ObjectClones = PvcJson.Long(o, "num_object_clones"),
            ObjectCopies = PvcJson.Long(o, "num_object_copies"),
            ObjectsMissingOnPrimary = PvcJson.Long(o, "num_objects_missing_on_primary"),
            ObjectsUnfound = PvcJson.Long(o, "num_objects_unfound"),
            ObjectsDegraded = PvcJson.Long(o, "num_objects_degraded"),
            ReadOps = PvcJson.Long(o, "read_ops"),
            ReadBytes = PvcJson.Long(o, "read_bytes"),
            WriteOps = PvcJson.Long(o, "write_ops"),
            WriteBytes = PvcJson.Long(o, "write_bytes"),
            Json = json!,
        };
    }
}
