using System.Text.Json;

namespace Pvc.NodeService.Ceph;

/// <summary>The cluster's health (<c>ceph health --format json</c>): a status and the checks that are not OK.</summary>
public sealed record CephHealth
{
    /// <summary>HEALTH_OK, HEALTH_WARN or HEALTH_ERR.</summary>
    public required string Status { get; init; }

    /// <summary>Each failing check's code (<c>OSD_DOWN</c>, ...), severity and message; PVC's CEPH_WARN_/CEPH_ERR_ faults come from these.</summary>
    public required IReadOnlyList<CephHealthCheck> Checks { get; init; }

    /// <summary>The document as Ceph printed it (PVC stores it in <c>/ceph/health</c>).</summary>
    public required string Json { get; init; }

    /// <summary>Reads Ceph's health JSON.</summary>
    /// <exception cref="JsonException">It is not Ceph's health document.</exception>
    public static CephHealth Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        var checks = new List<CephHealthCheck>();
        if (root.TryGetProperty("checks", out var c) && c.ValueKind == JsonValueKind.Object)
        {
            foreach (var check in c.EnumerateObject())
            {
                var message = check.Value.TryGetProperty("summary", out var s) && s.TryGetProperty("message", out var m) ? m.GetString() : null;
                var severity = check.Value.TryGetProperty("severity", out var sev) ? sev.GetString() : null;
                checks.Add(new CephHealthCheck(check.Name, severity ?? "", message ?? ""));
            }
        }
        return new CephHealth
        {
            Status = root.GetProperty("status").GetString() ?? throw new JsonException("Ceph's health has no status."),
            Checks = checks,
            Json = json,
        };
    }
}

/// <summary>One failing health check.</summary>
/// <param name="Code">Ceph's code, e.g. <c>POOL_NO_REDUNDANCY</c>.</param>
/// <param name="Severity">HEALTH_WARN or HEALTH_ERR.</param>
/// <param name="Message">Ceph's one-line summary.</param>
public sealed record CephHealthCheck(string Code, string Severity, string Message);
