using Pvc.Core.Schema;

namespace Pvc.Core.Faults;

/// <summary>A cluster fault (<c>/faults/&lt;id&gt;</c>), as raised by the health daemon.</summary>
/// <param name="Id">The fault id, e.g. DEAD_NODE_HV1, VM_FAILED_WEB1, NODE_PLUGIN_DISK_HV2.</param>
/// <param name="FirstReported">When it was first raised (UTC), or null when unreadable.</param>
/// <param name="LastReported">When it was last raised (UTC), or null when unreadable.</param>
/// <param name="AcknowledgedAt">When it was acknowledged (UTC); null until then.</param>
/// <param name="Status">New or acknowledged.</param>
/// <param name="HealthDelta">The health penalty it was reported with, in percent.</param>
/// <param name="Message">What is wrong.</param>
public sealed record Fault(
    string Id,
    DateTimeOffset? FirstReported,
    DateTimeOffset? LastReported,
    DateTimeOffset? AcknowledgedAt,
    FaultStatus Status,
    int HealthDelta,
    string Message)
{
    /// <summary>True once acknowledged (status "ack").</summary>
    public bool IsAcknowledged => Status == FaultStatus.Ack;

    /// <summary>What it takes off the cluster's health: <see cref="HealthDelta"/>, or 0 once acknowledged.</summary>
    public int EffectiveHealthDelta => IsAcknowledged ? 0 : HealthDelta;
}
