using System.Management.Automation;
using Pvc.Core.Tasks;

namespace Pvc.PowerShell.Infrastructure;

/// <summary>
/// A task's progress as progress records, handed on synchronously (<see cref="Progress{T}"/> would post them to the
/// thread pool, out of order).
/// </summary>
internal sealed class TaskProgressRecords(int activityId, string activity, Action<ProgressRecord> write) : IProgress<ClusterTaskProgress>
{
    public void Report(ClusterTaskProgress value) =>
        write(new ProgressRecord(activityId, activity, value.Status.Length > 0 ? value.Status : $"{value.Current}/{value.Total}")
        {
            PercentComplete = value.Percent ?? -1,
        });
}
