using System.Management.Automation;
using Pvc.Core.Errors;
using Pvc.Core.Tasks;

namespace Pvc.PowerShell.Infrastructure;

/// <summary>
/// A cmdlet whose work runs as a cluster task on a node (PVC's Celery tasks): it waits by default (PVC's
/// <c>--wait</c>), showing the task's progress with Write-Progress, and returns the result; <c>-NoWait</c> returns the
/// <see cref="ClusterTask"/> at once (Get-PvcTask -Wait waits for it later); <c>-AsJob</c> waits in a background job.
/// A failed task is an ErrorRecord with the task's own ErrorId and category, the task id as target.
/// </summary>
public abstract class TaskCmdlet : ClusterCmdlet
{
    /// <summary>Return the task at once instead of waiting for it (PVC's <c>--no-wait</c>).</summary>
    [Parameter]
    public SwitchParameter NoWait { get; set; }

    /// <summary>Wait in a background job instead: the cmdlet returns the job at once; Receive-Job returns the result.</summary>
    [Parameter]
    public SwitchParameter AsJob { get; set; }

    /// <summary>How long to wait for the task (seconds or a TimeSpan). Default 1 hour; the task goes on after it.</summary>
    [Parameter]
    [TimeoutTransformation]
    [ValidateTimeout]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Submits a task with <paramref name="submit"/> (a Core operation that records it) and then, as the switches say,
    /// writes the task, waits for it, or returns a job that waits. Errors are non-terminating, for <paramref name="target"/>.
    /// </summary>
    /// <param name="activity">Write-Progress's activity ("Creating volume vms/disk0").</param>
    /// <param name="target">The object the errors are about.</param>
    /// <param name="submit">Records the task.</param>
    /// <param name="result">Reads what the finished task is written as, from the cluster once the task finished (nothing when it reads null; without it, the task itself); a Core error there is <see cref="ResultUnread"/>.</param>
    protected void RunTask(string activity, object target, Func<CancellationToken, Task<ClusterTask>> submit, Func<ClusterTask, CancellationToken, Task<object?>>? result = null)
    {
        ArgumentNullException.ThrowIfNull(submit);
        if (TryAwait(submit, target) is not { } task)
            return;
        if (NoWait && !AsJob)
        {
            WriteResult(task);
            return;
        }
        WaitFor(activity, task, result);
    }

    /// <summary>Waits for a recorded task (foreground with progress, or as a job) and writes <paramref name="result"/> of it.</summary>
    protected void WaitFor(string activity, ClusterTask task, Func<ClusterTask, CancellationToken, Task<object?>>? result = null)
    {
        ArgumentNullException.ThrowIfNull(task);
        var connection = Connection;
        var timeout = Timeout;
        // a progress id is not negative; Math.Abs throws for int.MinValue (rev14 P3-14)
        var id = task.Id.GetHashCode(StringComparison.Ordinal) & 0x7fffffff;
        RunInForegroundOrJob(AsJob, task.Id, async (progress, token) =>
        {
            var done = false;
            try
            {
                var finished = await connection.Tasks.WaitAsync(task.Id, new TaskProgressRecords(id, $"{activity} (task {task.Id})", progress), timeout, token);
                done = true;
                var output = result is null ? finished : await ReadResultAsync(result, finished, token);
                return output is null ? null : ClusterOfObject.Attach(output, connection);
            }
            finally
            {
                progress(new ProgressRecord(id, $"{activity} (task {task.Id})", done ? "done" : "failed") { RecordType = ProgressRecordType.Completed });
            }
        }, connection);
    }

    /// <summary>Nothing: the object is gone (a result reader that writes nothing for the finished task).</summary>
    protected static Task<object?> NoResult(ClusterTask task, CancellationToken cancellationToken) => Task.FromResult<object?>(null);

    private static async Task<object?> ReadResultAsync(Func<ClusterTask, CancellationToken, Task<object?>> result, ClusterTask finished, CancellationToken token)
    {
        try
        {
            return await result(finished, token);
        }
        catch (Exception e) when (PvcException.From(e) is { } error)
        {
            throw ResultUnread(finished, error);
        }
    }

    /// <summary>
    /// Core's <paramref name="error"/> in reading what <paramref name="task"/> made or changed, once it succeeded: its kind
    /// and ErrorId, its message after what the task did (Core's alone would say nothing was done, or the object is not there).
    /// </summary>
    private static PvcException ResultUnread(ClusterTask task, PvcException error) =>
        new(error.Kind, error.ErrorId, $"Task {task.Id} ({task.Kind}) succeeded, but reading back what it made or changed failed: {error.Message}", error)
        {
            Target = error.Target,
            Detail = error.Detail,
        };
}
