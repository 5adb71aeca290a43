using Pvc.Core.Schema;

namespace Pvc.Core.Storage;

/// <summary>One failing check of Ceph's health document (<c>/ceph/health</c>'s <c>checks</c>): its code, severity and summary.</summary>
/// <param name="Code">Ceph's check code (<c>OSD_DOWN</c>).</param>
/// <param name="Severity">HEALTH_WARN or HEALTH_ERR as Ceph rates it (Unknown when it gave none).</param>
/// <param name="Message">Ceph's summary, or null.</param>
public sealed record CephHealthCheck(string Code, StorageHealthStatus Severity, string? Message)
{
    /// <inheritdoc />
    public override string ToString() => Message is null ? Code : $"{Code}: {Message}";
}
