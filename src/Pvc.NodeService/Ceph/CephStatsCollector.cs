using System.Globalization;
using System.Text.Json;
using Pvc.Core.Storage;

namespace Pvc.NodeService.Ceph;

/// <summary>
/// Gathers what PVC's keepalive Ceph thread gathers: status, health and df for the cluster, each pool's figures
/// (<c>ceph df</c> merged with the pool's <c>rados df</c> counters) and each OSD's (<c>osd dump</c>, <c>osd df</c>,
/// <c>osd status</c>), all over the node's one librados connection.
/// </summary>
public sealed class CephStatsCollector(RadosCluster cluster)
{
    private readonly CephMonitor _monitor = new(cluster);

    /// <summary>One report.</summary>
    /// <param name="withOsds">Whether to gather the OSDs' figures too (PVC does when the cluster records OSDs).</param>
    /// <param name="cancellationToken">Cancels the gathering.</param>
    public async Task<CephStatsReport> CollectAsync(bool withOsds, CancellationToken cancellationToken)
    {
        var status = _monitor.GetStatusTextAsync(cancellationToken);
        var health = _monitor.GetHealthAsync(cancellationToken);
        var usageText = _monitor.GetUsageTextAsync(cancellationToken);
        var usage = await _monitor.GetUsageAsync(cancellationToken);
        var pools = new List<PoolStatsSample>();
        foreach (var pool in usage.Pools)
        {
            RadosCounters counters;
            try
            {
                counters = RadosCounters.Of(await cluster.PoolStatAsync(pool.Name, cancellationToken));
            }
            catch (Core.Errors.PvcException e) when (e.ErrorId == Core.Errors.PvcErrorIds.PoolNotFound)
            {
                continue; // removed since ceph df
            }
            pools.Add(new PoolStatsSample
            {
                Name = pool.Name,
                Id = pool.Id,
                StoredBytes = pool.StoredBytes,
                FreeBytes = pool.MaxAvailableBytes,
                UsedBytes = pool.UsedBytes,
                UsedPercent = pool.UsedFraction,
                Objects = pool.Objects,
                ObjectClones = counters.Clones,
                ObjectCopies = counters.Copies,
                ObjectsMissingOnPrimary = counters.MissingOnPrimary,
                ObjectsUnfound = counters.Unfound,
                ObjectsDegraded = counters.Degraded,
                ReadOps = counters.ReadOps,
                ReadBytes = counters.ReadBytes,
                WriteOps = counters.WriteOps,
                WriteBytes = counters.WriteBytes,
            });
        }
        var osds = withOsds ? await CollectOsdsAsync(cancellationToken) : [];
        return new CephStatsReport
        {
            StatusText = await status,
            HealthJson = (await health).Json,
            UsageText = await usageText,
            Pools = pools,
            Osds = osds,
        };
    }

    private async Task<IReadOnlyList<OsdStatsSample>> CollectOsdsAsync(CancellationToken cancellationToken)
    {
        var dumpJson = _monitor.GetOsdDumpJsonAsync(cancellationToken);
        var dfJson = _monitor.GetOsdUsageJsonAsync(cancellationToken);
        var statusText = await _monitor.GetOsdStatusTextAsync(cancellationToken);
        var table = OsdStatusTable.Parse(statusText);
        using var dump = JsonDocument.Parse(await dumpJson);
        using var df = JsonDocument.Parse(await dfJson);
        var usage = df.RootElement.GetProperty("nodes").EnumerateArray()
            .Where(n => n.TryGetProperty("type", out var t) && t.GetString() == "osd")
            .ToDictionary(n => n.GetProperty("id").GetInt32(), n => n.Clone());
        var samples = new List<OsdStatsSample>();
        foreach (var osd in dump.RootElement.GetProperty("osds").EnumerateArray())
        {
            var id = osd.GetProperty("osd").GetInt32();
            if (!Guid.TryParse(osd.GetProperty("uuid").GetString(), out var uuid))
                continue;
            var u = usage.GetValueOrDefault(id);
            bool HasUsage() => u.ValueKind == JsonValueKind.Object;
            double D(string name) => HasUsage() && u.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : 0;
            long L(string name) => HasUsage() && u.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : 0;
            var row = table.GetValueOrDefault(id);
            samples.Add(new OsdStatsSample
            {
                Id = id,
                Uuid = uuid,
                Up = osd.GetProperty("up").GetInt32() != 0,
                In = osd.GetProperty("in").GetInt32() != 0,
                PrimaryAffinity = osd.TryGetProperty("primary_affinity", out var pa) && pa.ValueKind == JsonValueKind.Number ? pa.GetDouble() : 1,
                Utilization = D("utilization"),
                Variance = D("var"),
                PlacementGroups = (int)L("pgs"),
                SizeKiB = L("kb"),
                UsedKiB = L("kb_used"),
                UsedDataKiB = L("kb_used_data"),
                UsedOmapKiB = L("kb_used_omap"),
                UsedMetaKiB = L("kb_used_meta"),
                AvailableKiB = L("kb_avail"),
                Weight = D("crush_weight"),
                Reweight = D("reweight"),
                DeviceClass = HasUsage() && u.TryGetProperty("device_class", out var c) ? c.GetString() ?? "" : "",
                Node = row?.Host ?? "",
                Used = row?.Used ?? "",
                Available = row?.Available ?? "",
                WriteOps = row?.WriteOps ?? "",
                WriteData = row?.WriteData ?? "",
                ReadOps = row?.ReadOps ?? "",
                ReadData = row?.ReadData ?? "",
                State = row?.State ?? [],
            });
        }
        return samples;
    }

    private readonly record struct RadosCounters(long Clones, long Copies, long MissingOnPrimary, long Unfound, long Degraded, long ReadOps, long ReadBytes, long WriteOps, long WriteBytes)
    {
        public static RadosCounters Of(Native.RadosNative.RadosPoolStat s) => new((long)s.ObjectClones, (long)s.ObjectCopies, (long)s.ObjectsMissingOnPrimary,
            (long)s.ObjectsUnfound, (long)s.ObjectsDegraded, (long)s.ReadOps, checked((long)s.ReadKiB * 1024), (long)s.WriteOps, checked((long)s.WriteKiB * 1024));
    }
}

/// <summary>
/// The table <c>ceph osd status</c> prints: Ceph 16's (columns separated by spaces) and Ceph 14's (framed in '|' and
/// '+---'), one row per OSD: id, host, used, avail, wr ops, wr data, rd ops, rd data, state.
/// </summary>
internal static class OsdStatusTable
{
    public sealed record Row(string Host, string Used, string Available, string WriteOps, string WriteData, string ReadOps, string ReadData, IReadOnlyList<string> State);

    public static Dictionary<int, Row> Parse(string text)
    {
        var rows = new Dictionary<int, Row>();
        foreach (var line in text.Split('\n'))
        {
            var cells = line.Replace('|', ' ').Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (cells.Length < 9 || !int.TryParse(cells[0], NumberStyles.None, CultureInfo.InvariantCulture, out var id))
                continue; // a heading, a frame line or an empty line
            rows[id] = new Row(cells[1], cells[2], cells[3], cells[4], cells[5], cells[6], cells[7],
                cells[8].Split(',', StringSplitOptions.RemoveEmptyEntries));
        }
        return rows;
    }
}
