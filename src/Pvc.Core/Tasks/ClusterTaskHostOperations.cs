using System.Text.Json.Nodes;
using Pvc.Core.Connection;
using Pvc.Core.Errors;
using Pvc.ZooKeeper;

namespace Pvc.Core.Tasks;

/// <summary>
/// What a node service's task runner reads and writes: its queue, the claim (Pending to Running, version-checked, so
/// exactly one runner wins), progress, and the result or error. Every write after the claim checks the record's
/// version: when someone else changed it (the fencer wrote the task off, or handed it over), the write fails with
/// "TaskTakenOver" and the runner stops the handler instead of overwriting the record.
/// </summary>
public sealed class ClusterTaskHostOperations(ClusterConnection cluster, string nodeName)
{
    private ZooKeeperClient Zk => cluster.ZooKeeper;

    /// <summary>This node's name.</summary>
    public string NodeName => nodeName;

    /// <summary>
    /// The ids queued for this node, setting a child watch that calls <paramref name="changed"/> once when the queue
    /// changes. Makes the task folders and this node's queue when they are missing.
    /// </summary>
    public async Task<IReadOnlyList<string>> QueuedAsync(Action changed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changed);
        foreach (var folder in TaskKeys.Folders.Append(TaskKeys.NodeQueue(nodeName)))
        {
            try
            {
                await Zk.CreateAsync(folder, ReadOnlyMemory<byte>.Empty, cancellationToken: cancellationToken);
            }
            catch (NodeExistsException)
            {
            }
        }
        var children = await Zk.GetChildrenAsync(TaskKeys.NodeQueue(nodeName), _ => changed(), cancellationToken);
        return [.. children.Children.Where(ClusterTaskId.IsValid).Order(StringComparer.Ordinal)];
    }

    /// <summary>
    /// A queued task to run: its record when it is Pending and routed here, else null (a stale marker, of a task handed
    /// over or removed meanwhile, is deleted).
    /// </summary>
    public async Task<ClusterTask?> ReadQueuedAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            var data = await Zk.GetDataAsync(TaskKeys.Item(id), cancellationToken: cancellationToken);
            var task = ClusterTaskCodec.Decode(id, data.Data, data.Stat.Version) with { Cluster = cluster };
            if (task.State == ClusterTaskState.Pending && task.RunOn == nodeName)
                return task;
        }
        catch (NoNodeException)
        {
        }
        catch (PvcException e) when (e.ErrorId == PvcErrorIds.TaskRecordInvalid)
        {
            // not this version's record: leave the record, drop the marker so the queue does not spin on it
        }
        await DeleteMarkerAsync(id, cancellationToken);
        return null;
    }

    /// <summary>
    /// Claims a Pending task read by <see cref="ReadQueuedAsync"/>: Running, this node's session recorded, its marker
    /// removed, all in one transaction that checks the record's version. Null when another writer got there first.
    /// </summary>
    public async Task<ClusterTask?> ClaimAsync(ClusterTask task, bool safeToRepeat, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
        var now = DateTimeOffset.UtcNow;
        var running = task with
        {
            State = ClusterTaskState.Running,
            RunnerSession = cluster.SessionId,
            SafeToRepeat = safeToRepeat,
            StartedAt = now,
            Attempts = task.Attempts + 1,
            Progress = null,
        };
        try
        {
            var results = await Zk.MultiAsync([Op.SetData(TaskKeys.Item(task.Id), ClusterTaskCodec.Encode(running), task.Version),
                Op.Delete(TaskKeys.Marker(nodeName, task.Id))], cancellationToken);
            return running with { Version = task.Version + 1 };
        }
        catch (ZooKeeperException e) when (e is BadVersionException or NoNodeException)
        {
            return null;
        }
    }

    /// <summary>Fails a Pending task this node cannot run (no handler for its kind), removing its marker; null when it changed meanwhile.</summary>
    public async Task<ClusterTask?> RefuseAsync(ClusterTask task, PvcErrorKind kind, string errorId, string message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
        var failed = Failed(task, kind, errorId, message);
        try
        {
            await Zk.MultiAsync([Op.SetData(TaskKeys.Item(task.Id), ClusterTaskCodec.Encode(failed), task.Version),
                Op.Delete(TaskKeys.Marker(nodeName, task.Id))], cancellationToken);
            return failed with { Version = task.Version + 1 };
        }
        catch (ZooKeeperException e) when (e is BadVersionException or NoNodeException)
        {
            return null;
        }
    }

    /// <summary>Records a running task's progress.</summary>
    /// <returns>The task as now recorded (its new version: pass it to the next write).</returns>
    /// <exception cref="PvcException">InvalidOperation: "TaskTakenOver": someone else changed the record; stop the work.</exception>
    public Task<ClusterTask> ReportAsync(ClusterTask running, ClusterTaskProgress progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(running);
        ArgumentNullException.ThrowIfNull(progress);
        return WriteAsync(running, running with { Progress = progress }, cancellationToken);
    }

    /// <summary>Records a running task's success and what its handler returned.</summary>
    /// <exception cref="PvcException">InvalidOperation: "TaskTakenOver".</exception>
    public Task<ClusterTask> SucceedAsync(ClusterTask running, JsonNode? result, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(running);
        return WriteAsync(running, running with { State = ClusterTaskState.Success, Result = result?.DeepClone(), FinishedAt = DateTimeOffset.UtcNow }, cancellationToken);
    }

    /// <summary>Records a running task's failure.</summary>
    /// <exception cref="PvcException">InvalidOperation: "TaskTakenOver".</exception>
    public Task<ClusterTask> FailAsync(ClusterTask running, PvcErrorKind kind, string errorId, string message, CancellationToken cancellationToken) =>
        FailAsync(running, kind, errorId, message, null, cancellationToken);

    /// <summary>
    /// Records a running task's failure, with what the failed work left behind as its result when the handler says
    /// (<paramref name="result"/>: an OSD left out after its removal timed out, rev14 P3-13), so a script can act on it.
    /// </summary>
    /// <exception cref="PvcException">InvalidOperation: "TaskTakenOver".</exception>
    public Task<ClusterTask> FailAsync(ClusterTask running, PvcErrorKind kind, string errorId, string message, JsonNode? result, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(running);
        return WriteAsync(running, Failed(running, kind, errorId, message) with { Result = result?.DeepClone() }, cancellationToken);
    }

    /// <summary>
    /// At a runner's start: the tasks routed here that a runner of an earlier session (this service before a restart or
    /// a session expiry) left Running are handed over or failed, as a dead node's are (<see cref="ClusterTaskRecovery"/>).
    /// </summary>
    public Task<IReadOnlyList<ClusterTaskRecovery.Outcome>> RecoverInterruptedAsync(CancellationToken cancellationToken) =>
        ClusterTaskRecovery.RecoverAsync(cluster, nodeName, $"the node service on {nodeName} restarted while it ran",
            handOverRunning: true, onlyOtherSessions: true, fallback: nodeName, cancellationToken);

    private async Task<ClusterTask> WriteAsync(ClusterTask before, ClusterTask after, CancellationToken cancellationToken)
    {
        try
        {
            var stat = await Zk.SetDataAsync(TaskKeys.Item(before.Id), ClusterTaskCodec.Encode(after), before.Version, cancellationToken);
            return after with { Version = stat.Version };
        }
        catch (ZooKeeperException e) when (e is BadVersionException or NoNodeException)
        {
            throw new PvcException(PvcErrorKind.InvalidOperation, PvcErrorIds.TaskTakenOver,
                $"Task {before.Id} was changed by someone else while it ran here (written off or handed over after this node was declared dead, or removed); this node stops its work.", e) { Target = before.Id };
        }
    }

    private async Task DeleteMarkerAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            await Zk.DeleteAsync(TaskKeys.Marker(nodeName, id), cancellationToken: cancellationToken);
        }
        catch (NoNodeException)
        {
        }
    }

    internal static ClusterTask Failed(ClusterTask task, PvcErrorKind kind, string errorId, string message) =>
        task with { State = ClusterTaskState.Failure, Error = message, ErrorId = errorId, ErrorKind = kind, FinishedAt = DateTimeOffset.UtcNow };
}
