namespace Pvc.Core.Faults;

/// <summary>The cluster's health as <c>pvc cluster status</c> computes it from the faults.</summary>
public static class ClusterHealth
{
    /// <summary>100 minus the health deltas of the unacknowledged faults, never below 0 (nor above 100, should a delta be negative).</summary>
    public static int Compute(IEnumerable<Fault> faults)
    {
        ArgumentNullException.ThrowIfNull(faults);
        return (int)Math.Clamp(100L - faults.Sum(f => (long)f.EffectiveHealthDelta), 0L, 100L);
    }

    /// <summary>The unacknowledged faults, largest delta first, then most recently reported first (PVC's order).</summary>
    public static IReadOnlyList<Fault> Active(IEnumerable<Fault> faults)
    {
        ArgumentNullException.ThrowIfNull(faults);
        return faults.Where(f => !f.IsAcknowledged)
            .OrderByDescending(f => f.HealthDelta)
            .ThenByDescending(f => f.LastReported)
            .ThenBy(f => f.Id, StringComparer.Ordinal)
            .ToList();
    }
}
