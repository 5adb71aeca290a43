using Pvc.Core.Schema;

namespace Pvc.Core.Storage;

/// <summary>
/// One OSD's figures as the keepalive gathers them (PVC: <c>ceph osd dump</c>, <c>osd df</c> and <c>osd status</c>), to be
/// written to <c>/ceph/osds/&lt;id&gt;/stats</c>; <see cref="OsdStats"/> reads them back.
/// </summary>
public sealed record OsdStatsSample
{
    /// <summary>The OSD's id.</summary>
    public required int Id { get; init; }
    /// <summary>Its UUID (osd dump).</summary>
    public required Guid Uuid { get; init; }
    /// <summary>Up (osd dump).</summary>
    public required bool Up { get; init; }
    /// <summary>In (osd dump).</summary>
    public required bool In { get; init; }
    /// <summary>Primary affinity (osd dump).</summary>
    public double PrimaryAffinity { get; init; }
    /// <summary>Used space, percent (osd df).</summary>
    public double Utilization { get; init; }
    /// <summary>Utilisation relative to the average (osd df's var).</summary>
    public double Variance { get; init; }
    /// <summary>Placement groups (osd df).</summary>
    public int PlacementGroups { get; init; }
    /// <summary>Size, KiB.</summary>
    public long SizeKiB { get; init; }
    /// <summary>Used, KiB.</summary>
    public long UsedKiB { get; init; }
    /// <summary>Used by data, KiB.</summary>
    public long UsedDataKiB { get; init; }
    /// <summary>Used by omap, KiB.</summary>
    public long UsedOmapKiB { get; init; }
    /// <summary>Used by metadata, KiB.</summary>
    public long UsedMetaKiB { get; init; }
    /// <summary>Available, KiB.</summary>
    public long AvailableKiB { get; init; }
    /// <summary>CRUSH weight.</summary>
    public double Weight { get; init; }
    /// <summary>Reweight.</summary>
    public double Reweight { get; init; }
    /// <summary>Device class.</summary>
    public string DeviceClass { get; init; } = "";
    /// <summary>The host ceph reports it on (osd status).</summary>
    public string Node { get; init; } = "";
    /// <summary>Used, as osd status prints it.</summary>
    public string Used { get; init; } = "";
    /// <summary>Available, as osd status prints it.</summary>
    public string Available { get; init; } = "";
    /// <summary>Write operations, as osd status prints them.</summary>
    public string WriteOps { get; init; } = "";
    /// <summary>Write bandwidth, as osd status prints it.</summary>
    public string WriteData { get; init; } = "";
    /// <summary>Read operations, as osd status prints them.</summary>
    public string ReadOps { get; init; } = "";
    /// <summary>Read bandwidth, as osd status prints it.</summary>
    public string ReadData { get; init; } = "";
    /// <summary>States (exists, up, ...).</summary>
    public IReadOnlyList<string> State { get; init; } = [];

    /// <summary>The stats document in PVC's shape and key order.</summary>
    public string ToJson() => new PvcJsonWriter()
        .Add("uuid", Uuid.ToString("D")).Add("up", Up ? 1 : 0).Add("in", In ? 1 : 0).Add("primary_affinity", PrimaryAffinity)
        .Add("utilization", Utilization).Add("var", Variance).Add("pgs", PlacementGroups).Add("kb", SizeKiB)
        .Add("kb_used", UsedKiB).Add("kb_used_data", UsedDataKiB).Add("kb_used_omap", UsedOmapKiB).Add("kb_used_meta", UsedMetaKiB)
        .Add("kb_avail", AvailableKiB).Add("weight", Weight).Add("reweight", Reweight).Add("class", DeviceClass).Add("node", Node)
        .Add("used", Used).Add("avail", Available).Add("wr_ops", WriteOps).Add("wr_data", WriteData).Add("rd_ops", ReadOps)
        .Add("rd_data", ReadData).Add("state", PvcList.EncodeComma(State))
        .ToString();
}
