using Pvc.Core.Errors;

namespace Pvc.Core.Reading;

/// <summary>
/// The timeouts Core's waits take: from zero (look once) to <see cref="Maximum"/>, or infinite. Checked before a wait
/// starts, so a bad one is a typed error rather than an exception from the timer (which takes at most about 49 days).
/// </summary>
public static class WaitTimeout
{
    /// <summary>The longest wait: a week (a drain of the largest node takes hours, not days).</summary>
    public static TimeSpan Maximum { get; } = TimeSpan.FromDays(7);

    /// <summary>True for zero to <see cref="Maximum"/>, and for <see cref="Timeout.InfiniteTimeSpan"/>.</summary>
    public static bool IsValid(TimeSpan timeout) => timeout == Timeout.InfiniteTimeSpan || (timeout >= TimeSpan.Zero && timeout <= Maximum);

    /// <summary>Throws "InvalidTimeout" for a timeout out of range.</summary>
    /// <exception cref="PvcException">InvalidArgument: "InvalidTimeout".</exception>
    public static void Validate(TimeSpan timeout, object? target = null)
    {
        if (!IsValid(timeout))
            throw new PvcException(PvcErrorKind.InvalidArgument, PvcErrorIds.InvalidTimeout, $"A wait's timeout must be from 0 to {Maximum.TotalDays:0} days, not {timeout}.") { Target = target };
    }
}
