using Pvc.Core.Schema;

namespace Pvc.Core.Storage;

/// <summary>
/// An OSD's statistics as the node service last reported them (<c>/ceph/osds/&lt;id&gt;/stats</c>, a JSON
/// document gathered from ceph osd dump, osd df and osd status). A new OSD carries PVC's placeholder
/// document whose values are "|": those read as null, and <see cref="IsPlaceholder"/> is true.
/// </summary>
public sealed record OsdStats
{
    /// <summary>True while the document is PVC's placeholder (no report yet).</summary>
    public bool IsPlaceholder { get; init; }
    /// <summary>The OSD's UUID.</summary>
    public Guid? Uuid { get; init; }
    /// <summary>Whether the OSD is up.</summary>
    public bool? Up { get; init; }
    /// <summary>Whether the OSD is in.</summary>
    public bool? In { get; init; }
    /// <summary>Primary affinity.</summary>
    public double? PrimaryAffinity { get; init; }
    /// <summary>Used space, percent.</summary>
    public double? Utilization { get; init; }
    /// <summary>Utilization relative to the cluster's average (ceph's "var").</summary>
    public double? Variance { get; init; }
    /// <summary>Placement groups on the OSD.</summary>
    public int? PlacementGroups { get; init; }
    /// <summary>Size, KiB.</summary>
    public long? SizeKiB { get; init; }
    /// <summary>Used, KiB.</summary>
    public long? UsedKiB { get; init; }
    /// <summary>Used by data, KiB.</summary>
    public long? UsedDataKiB { get; init; }
    /// <summary>Used by omap, KiB.</summary>
    public long? UsedOmapKiB { get; init; }
    /// <summary>Used by metadata, KiB.</summary>
    public long? UsedMetaKiB { get; init; }
    /// <summary>Available, KiB.</summary>
    public long? AvailableKiB { get; init; }
    /// <summary>CRUSH weight.</summary>
    public double? Weight { get; init; }
    /// <summary>Reweight (0 to 1).</summary>
    public double? Reweight { get; init; }
    /// <summary>Device class (hdd, ssd, nvme).</summary>
    public string? DeviceClass { get; init; }
    /// <summary>The node ceph reports the OSD on (short host name).</summary>
    public string? Node { get; init; }
    /// <summary>Used space, as ceph osd status prints it (e.g. "2489M").</summary>
    public string? Used { get; init; }
    /// <summary>Available space, as ceph osd status prints it.</summary>
    public string? Available { get; init; }
    /// <summary>Write operations per second, as ceph osd status prints it.</summary>
    public string? WriteOps { get; init; }
    /// <summary>Write bandwidth, as ceph osd status prints it.</summary>
    public string? WriteData { get; init; }
    /// <summary>Read operations per second, as ceph osd status prints it.</summary>
    public string? ReadOps { get; init; }
    /// <summary>Read bandwidth, as ceph osd status prints it.</summary>
    public string? ReadData { get; init; }
    /// <summary>The states ceph osd status reports (e.g. exists, up).</summary>
    public IReadOnlyList<string> State { get; init; } = [];
    /// <summary>The whole document, for fields not typed here.</summary>
    public required string Json { get; init; }

    /// <summary>Parses the stats document; null for "", "None" or anything that is not a JSON object.</summary>
    public static OsdStats? Parse(string? json)
    {
        if (PvcJson.ParseObject(json) is not { } o)
            return null;
        return new OsdStats
        {
            IsPlaceholder = PvcJson.IsPlaceholder(o, "weight"),
            Uuid = Guid.TryParse(PvcJson.Text(o, "uuid"), out var uuid) ? uuid : null,
            Up = PvcJson.Bool(o, "up"),
            In = PvcJson.Bool(o, "in"),
            PrimaryAffinity = PvcJson.Double(o, "primary_affinity"),
            Utilization = PvcJson.Double(o, "utilization"),
            Variance = PvcJson.Double(o, "var"),
            PlacementGroups = PvcJson.Int(o, "pgs"),
            SizeKiB = PvcJson.Long(o, "kb"),
            UsedKiB = PvcJson.Long(o, "kb_used"),
            UsedDataKiB = PvcJson.Long(o, "kb_used_data"),
            UsedOmapKiB = PvcJson.Long(o, "kb_used_omap"),
            UsedMetaKiB = PvcJson.Long(o, "kb_used_meta"),
            AvailableKiB = PvcJson.Long(o, "kb_avail"),
            Weight = PvcJson.Double(o, "weight"),
            Reweight = PvcJson.Double(o, "reweight"),
            DeviceClass = PvcJson.Text(o, "class"),
            Node = PvcJson.Text(o, "node"),
            Used = PvcJson.Text(o, "used"),
            Available = PvcJson.Text(o, "avail"),
            WriteOps = PvcJson.Text(o, "wr_ops"),
            WriteData = PvcJson.Text(o, "wr_data"),
            ReadOps = PvcJson.Text(o, "rd_ops"),
            ReadData = PvcJson.Text(o, "rd_data"),
            State = PvcList.DecodeComma(PvcJson.Text(o, "state")),
            Json = json!,
        };
    }
}
