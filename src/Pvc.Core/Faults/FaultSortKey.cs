namespace Pvc.Core.Faults;

/// <summary>How a fault listing is ordered: PVC's API sort keys.</summary>
public enum FaultSortKey
{
    /// <summary>Most recently reported first (PVC's default).</summary>
    LastReported = 0,
    /// <summary>Most recently first raised first.</summary>
    FirstReported,
    /// <summary>Most recently acknowledged first; unacknowledged last.</summary>
    AcknowledgedAt,
    /// <summary>By status as PVC writes it: "ack" before "new".</summary>
    Status,
    /// <summary>Smallest health delta first.</summary>
    HealthDelta,
    /// <summary>By message, ordinal.</summary>
    Message,
}
