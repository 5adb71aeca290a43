using Pvc.Core.Errors;

namespace Pvc.Core.Storage;

/// <summary>
/// PVC's space rules for a new or growing volume: it must fit in the pool's free space, and may take the pool past 80 %
/// of (stored + free) only when forced.
/// </summary>
public static class PoolSpace
{
    /// <summary>The share of a pool's space a volume may not take it past unless forced (PVC's 80 %).</summary>
    public const double SafeFraction = 0.80;

    /// <summary>Refuses <paramref name="addBytes"/> more in <paramref name="pool"/> when PVC would.</summary>
    /// <param name="pool">The pool, with its last reported stats.</param>
    /// <param name="addBytes">The bytes the volume adds (its size, or its growth).</param>
    /// <param name="force">PVC's --force: past the 80 % mark (never past the free space).</param>
    /// <param name="target">What the error names ("pool/volume").</param>
    /// <exception cref="PvcException">LimitExceeded: "VolumeTooLarge", "PoolNearlyFull"; ResourceUnavailable: "PoolUsageUnknown".</exception>
    public static void Check(Pool pool, long addBytes, bool force, string target)
    {
        ArgumentNullException.ThrowIfNull(pool);
        if (pool.Stats is not { FreeBytes: { } free } stats)
        {
            if (force)
                return;
            throw new PvcException(PvcErrorKind.ResourceUnavailable, PvcErrorIds.PoolUsageUnknown,
                $"Pool '{pool.Name}' has no usage reported yet (the primary writes it each keepalive when its node service reaches Ceph), so {ByteSize.Format(addBytes)} cannot be checked against its free space; wait for the report, or force it.") { Target = target };
        }
        if (addBytes >= free)
            throw new PvcException(PvcErrorKind.LimitExceeded, PvcErrorIds.VolumeTooLarge,
                $"{target}: {ByteSize.Format(addBytes)} does not fit in pool '{pool.Name}', which has {ByteSize.Format(free)} free.") { Target = target };
        var stored = stats.StoredBytes ?? 0;
        var safeFree = (long)((stored + free) * SafeFraction) - stored;
        if (addBytes >= safeFree && !force)
            throw new PvcException(PvcErrorKind.LimitExceeded, PvcErrorIds.PoolNearlyFull,
                $"{target}: {ByteSize.Format(addBytes)} would take pool '{pool.Name}' past {SafeFraction:P0} of its {ByteSize.Format(stored + free)} ({ByteSize.Format(Math.Max(0, safeFree))} left below that mark); force it to go past that mark.") { Target = target };
    }
}
