using Pvc.Core.Connection;
using Pvc.Core.Errors;
using Pvc.Core.Schema;
using Pvc.ZooKeeper;

namespace Pvc.Core.Tasks;

/// <summary>
/// What becomes of the tasks of a node that died (fenced, or declared dead) or whose node service restarted while
/// they ran. A task is never run twice silently:
/// <list type="bullet">
/// <item>Pending (never claimed) and not bound to the node: handed to the primary, Pending (to the live node recovering
/// them when no other primary is elected yet: a dead primary's tasks are recovered before the next election ends).</item>
/// <item>Running, safe to repeat (its handler says so), not bound to the node, and the node is known to be gone
/// (<c>handOverRunning</c>: fenced off, or its service restarted): handed to the primary, Pending, to run again; its
/// history says so.</item>
/// <item>Anything else (node-bound work such as an OSD's, work not safe to repeat, a node not known to be off, or no
/// primary to hand it to): Failure "TaskNodeDied" with the reason, for a person to check what it did.</item>
/// </list>
/// Each change checks the record's version, so it races safely with a runner's claim or write: the loser's write
/// fails and is decided again (the runner's failure is "TaskTakenOver", and it stops the handler).
/// </summary>
public static class ClusterTaskRecovery
{
    private const int Attempts = 5;

    /// <summary>What recovery did to one task.</summary>
    /// <param name="Task">The task as now recorded.</param>
    /// <param name="HandedTo">The node it was handed to, or null when it was failed.</param>
    public sealed record Outcome(ClusterTask Task, string? HandedTo);

    /// <summary>Hands over or fails the Pending and Running tasks routed to <paramref name="node"/>.</summary>
    /// <param name="connection">The connection.</param>
    /// <param name="node">The node that died or restarted.</param>
    /// <param name="reason">Why, for the record ("node hv2 was fenced").</param>
    /// <param name="handOverRunning">True when the node is known to run none of them any more (fenced off, or its service restarted).</param>
    /// <param name="onlyOtherSessions">Leave the tasks claimed by the connection's own session (a runner's own start).</param>
    /// <param name="fallback">A live node in "run" to hand tasks to when no primary other than <paramref name="node"/> is elected (the fencer, or the restarted node itself); null for none.</param>
    /// <param name="cancellationToken">Cancels it.</param>
    /// <exception cref="PvcException">WriteConflict: "TaskWriteConflict": the tasks kept changing; what was decided in the last attempt was not written.</exception>
    public static async Task<IReadOnlyList<Outcome>> RecoverAsync(ClusterConnection connection, string node, string reason, bool handOverRunning,
        bool onlyOtherSessions, string? fallback, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(reason);
        var zk = connection.ZooKeeper;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await AttemptAsync(connection, node, reason, handOverRunning, onlyOtherSessions, fallback, cancellationToken);
            }
            catch (ZooKeeperException e) when (e is BadVersionException or NoNodeException or NodeExistsException)
            {
                if (attempt == Attempts)
                    throw new PvcException(PvcErrorKind.WriteConflict, PvcErrorIds.TaskWriteConflict, $"The tasks of node '{node}' kept changing while they were recovered ({e.Message}).", e) { Target = node };
            }
        }
    }

    private static async Task<IReadOnlyList<Outcome>> AttemptAsync(ClusterConnection connection, string node, string reason, bool handOverRunning,
        bool onlyOtherSessions, string? fallback, CancellationToken cancellationToken)
    {
        var zk = connection.ZooKeeper;
        var tasks = (await ClusterTaskStore.ReadAllAsync(zk, cancellationToken))
            .Where(t => t.RunOn == node && t.State is ClusterTaskState.Pending or ClusterTaskState.Running)
            .Where(t => !(onlyOtherSessions && (t.State == ClusterTaskState.Pending || t.RunnerSession == connection.SessionId)))
            .OrderBy(t => t.CreatedAt).ToList();
        if (tasks.Count == 0)
            return [];
        var primaryData = await zk.GetDataAsync(BaseKeys.PrimaryNode, cancellationToken: cancellationToken);
        var primary = ClusterTaskStore.PrimaryOf(System.Text.Encoding.UTF8.GetString(primaryData.Data));
        // the node itself may be the primary only when its service restarted (a dead primary has given up the role)
        var target = primary is not null && (primary != node || onlyOtherSessions) ? primary : fallback;
        IReadOnlyList<string> queued;
        try
        {
            queued = (await zk.GetChildrenAsync(TaskKeys.NodeQueue(node), cancellationToken: cancellationToken)).Children;
        }
        catch (NoNodeException)
        {
            queued = [];
        }
        var ops = new List<Op> { Op.Check(BaseKeys.PrimaryNode, primaryData.Stat.Version) };
        var outcomes = new List<Outcome>();
        var queueMade = false;
        foreach (var task in tasks)
        {
            var wasRunning = task.State == ClusterTaskState.Running;
            var handOver = !task.NodeBound && target is not null && (!wasRunning || (handOverRunning && task.SafeToRepeat));
            if (queued.Contains(task.Id))
                ops.Add(Op.Delete(TaskKeys.Marker(node, task.Id)));
            ClusterTask after;
            if (handOver)
            {
                if (!queueMade && await zk.ExistsAsync(TaskKeys.NodeQueue(target!), cancellationToken: cancellationToken) is null)
                    ops.Add(Op.Create(TaskKeys.NodeQueue(target!), ReadOnlyMemory<byte>.Empty));
                queueMade = true;
                after = task with
                {
                    State = ClusterTaskState.Pending,
                    RunOn = target!,
                    RunnerSession = 0,
                    Progress = null,
                    History = [.. task.History, $"{DateTimeOffset.UtcNow:u}: {reason} while it was {(wasRunning ? "running (safe to repeat: it runs again, though its work may have been done before its success could be recorded)" : "pending")}; handed to {target}"],
                };
                if (target != node || wasRunning)
                    ops.Add(Op.Create(TaskKeys.Marker(target!, task.Id), ReadOnlyMemory<byte>.Empty));
            }
            else
            {
                var why = task.NodeBound ? $"it is bound to {node}"
                    : target is null ? "no live node was there to hand it to"
                    : !handOverRunning ? $"{node} is not known to be off, so the work may still be going on there"
                    : "its handler is not safe to repeat";
                after = ClusterTaskHostOperations.Failed(task with { History = [.. task.History, $"{DateTimeOffset.UtcNow:u}: {reason}"] },
                    PvcErrorKind.ResourceUnavailable, PvcErrorIds.TaskNodeDied,
                    $"{Capitalised(reason)} while the task was {(wasRunning ? "running" : "pending")}, and it was not run again: {why}. "
                    + (wasRunning ? "Check what it did (its work may even have finished before its success could be recorded: rev14 P3-9), then submit it again." : "Submit it again."));
            }
            ops.Add(Op.SetData(TaskKeys.Item(task.Id), ClusterTaskCodec.Encode(after), task.Version));
            outcomes.Add(new Outcome(after with { Version = task.Version + 1, Cluster = connection }, handOver ? target : null));
        }
        await zk.MultiAsync(ops, cancellationToken);
        return outcomes;
    }

    private static string Capitalised(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];
}
