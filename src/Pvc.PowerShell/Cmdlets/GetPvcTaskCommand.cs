using System.Management.Automation;
using Pvc.Core.Errors;
using Pvc.Core.Tasks;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>Gets the cluster's tasks (PVC's <c>pvc cluster task [ID] [--wait]</c>), or waits for one.</summary>
[Cmdlet(VerbsCommon.Get, "PvcTask", DefaultParameterSetName = ListSet)]
[OutputType(typeof(ClusterTask))]
public sealed class GetPvcTaskCommand : ClusterCmdlet
{
    private const string ListSet = "List";
    private const string WaitSet = "Wait";

    /// <summary>Task ids (wildcards allowed); every task when omitted. With -Wait, one id.</summary>
    [Parameter(ParameterSetName = ListSet, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Parameter(ParameterSetName = WaitSet, Position = 0, Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(TaskIdCompleter))]
    [SupportsWildcards]
    public string[]? Id { get; set; }

    /// <summary>Only tasks in these states.</summary>
    [Parameter(ParameterSetName = ListSet)]
    public ClusterTaskState[]? State { get; set; }

    /// <summary>Wait until the task has finished, showing its progress; returns it, or its error when it failed.</summary>
    [Parameter(ParameterSetName = WaitSet, Mandatory = true)]
    public SwitchParameter Wait { get; set; }

    /// <summary>How long -Wait waits (seconds or a TimeSpan). Default 1 hour; the task goes on after it.</summary>
    [Parameter(ParameterSetName = WaitSet)]
    [TimeoutTransformation]
    [ValidateTimeout]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromHours(1);

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var connection = Connection;
        if (!Wait)
        {
            var states = State is { Length: > 0 } s ? s.ToHashSet() : null;
            WriteMatching<ClusterTask>(Id, async (limit, token) =>
            {
                var tasks = await connection.Tasks.ListAsync(token);
                return [.. tasks.Where(t => (limit is null || limit.IsMatch(t.Id)) && (states is null || states.Contains(t.State)))];
            }, "task", PvcErrorIds.TaskNotFound);
            return;
        }
        foreach (var id in Id!)
        {
            var timeout = Timeout;
            var activity = $"Waiting for task {id}";
            var activityId = Math.Abs(id.GetHashCode(StringComparison.Ordinal));
            RunInForegroundOrJob(false, id, async (progress, token) =>
            {
                try
                {
                    var task = await connection.Tasks.WaitAsync(id, new TaskProgressRecords(activityId, activity, progress), timeout, token);
                    return ClusterOfObject.Attach(task, connection);
                }
                finally
                {
                    progress(new ProgressRecord(activityId, activity, "done") { RecordType = ProgressRecordType.Completed });
                }
            }, connection);
        }
    }
}
