using Pvc.Core.Connection;
using Pvc.Core.Reading;
using Pvc.Core.Schema;

namespace Pvc.Core.Storage;

/// <summary>Ceph as the primary last reported it (<c>/ceph</c>, <c>/ceph/health</c>, <c>/ceph/util</c>): PVC's <c>storage status</c> and <c>storage util</c>.</summary>
public sealed record StorageStatus
{
    /// <summary>Ceph's overall health; Unknown without a report.</summary>
    public StorageHealthStatus Health { get; init; }

    /// <summary>The failing health checks (each shown as "CODE: message").</summary>
    public IReadOnlyList<CephHealthCheck> HealthChecks { get; init; } = [];

    /// <summary><c>ceph status</c> as printed for a person (PVC's <c>storage status</c>), or null without a report.</summary>
    public string? Status { get; init; }

    /// <summary><c>ceph df</c> as printed for a person (PVC's <c>storage util</c>), or null without a report.</summary>
    public string? Utilization { get; init; }

    /// <summary>Reads the three keys in one round trip.</summary>
    public static async Task<StorageStatus> ReadAsync(ClusterConnection cluster, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var batch = new ZnodeBatch(cluster.ZooKeeper).Data(BaseKeys.Storage).Data(BaseKeys.StorageHealth).Data(BaseKeys.StorageUtil);
        await batch.ReadAsync(cancellationToken);
        var health = PvcJson.ParseObject(batch.Text(BaseKeys.StorageHealth));
        return new StorageStatus
        {
            Health = health is { } h ? Wire.StorageHealth.Decode(PvcJson.Text(h, "status")) : StorageHealthStatus.Unknown,
            HealthChecks = health is { } c ? Checks(c) : [],
            Status = PvcText.Decode(batch.Text(BaseKeys.Storage)),
            Utilization = PvcText.Decode(batch.Text(BaseKeys.StorageUtil)),
        };
    }

    /// <summary>Ceph's failing checks in its health document.</summary>
    internal static IReadOnlyList<CephHealthCheck> Checks(System.Text.Json.JsonElement health)
    {
        if (!health.TryGetProperty("checks", out var checks) || checks.ValueKind != System.Text.Json.JsonValueKind.Object)
            return [];
        return [.. checks.EnumerateObject().Select(c =>
        {
            var check = c.Value.ValueKind == System.Text.Json.JsonValueKind.Object ? c.Value : default;
            var severity = check.ValueKind == System.Text.Json.JsonValueKind.Object ? Wire.StorageHealth.Decode(PvcJson.Text(check, "severity")) : StorageHealthStatus.Unknown;
            var message = check.ValueKind == System.Text.Json.JsonValueKind.Object && check.TryGetProperty("summary", out var s) && s.ValueKind == System.Text.Json.JsonValueKind.Object
                ? PvcJson.Text(s, "message") : null;
            return new CephHealthCheck(c.Name, severity, message);
        })];
    }
}
