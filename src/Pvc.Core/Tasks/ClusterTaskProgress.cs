namespace Pvc.Core.Tasks;

/// <summary>A running task's progress, as PVC's Celery meta <c>{current, total, status}</c>.</summary>
/// <param name="Current">Steps done.</param>
/// <param name="Total">Steps in all (0 when unknown).</param>
/// <param name="Status">What it is doing now, for people.</param>
public sealed record ClusterTaskProgress(int Current, int Total, string Status)
{
    /// <summary>The share done, 0 to 100, or null when the total is unknown.</summary>
    public int? Percent => Total > 0 ? (int)Math.Clamp(100L * Current / Total, 0, 100) : null;
}
