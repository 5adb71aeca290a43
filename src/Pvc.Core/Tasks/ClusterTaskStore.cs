using System.Text;
using System.Text.Json.Nodes;
using Pvc.Core.Connection;
using Pvc.Core.Errors;
using Pvc.Core.Nodes;
using Pvc.Core.Reading;
using Pvc.Core.Schema;
using Pvc.ZooKeeper;

namespace Pvc.Core.Tasks;

/// <summary>
/// The cluster's tasks (<c>cluster.Tasks</c>): submitting, reading, waiting for, and pruning them. Runners in the node
/// services claim and run them (<see cref="ClusterTaskHostOperations"/>).
/// </summary>
/// <remarks>
/// A task is written in one transaction: its record, the marker in its node's queue, and a check that the node's
/// daemon state (and the primary's name, when routed to the primary) is still the one read, "run". Reads of the whole
/// list take two round trips however many tasks there are; a wait is on a data watch of the record, not a poll.
/// </remarks>
public sealed class ClusterTaskStore(ClusterConnection connection)
{
    private const int Attempts = 5;

    /// <summary>How long a finished task is kept before the primary prunes it, unless the node service's <c>tasks.retention</c> says otherwise.</summary>
    public static TimeSpan DefaultRetention { get; } = TimeSpan.FromDays(1);

    /// <summary>Records a task and routes it to <paramref name="runOn"/>, or to the primary coordinator when null.</summary>
    /// <param name="kind">What it does, one of <see cref="ClusterTaskKinds"/>.</param>
    /// <param name="arguments">The handler's arguments (copied).</param>
    /// <param name="runOn">The node to run it (work bound to that node), or null for the primary (handed to the next primary if it dies).</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The task as recorded, Pending.</returns>
    /// <exception cref="PvcException">InvalidArgument: "InvalidTaskKind" or "InvalidNodeName".</exception>
    /// <exception cref="PvcException">NotFound: "NodeNotFound": no node has that name.</exception>
    /// <exception cref="PvcException">InvalidOperation: "NodeNotRunning": the node's service is not in "run" (its runner would not pick it up).</exception>
    /// <exception cref="PvcException">ResourceUnavailable: "NoPrimaryCoordinator": no primary is elected to route it to.</exception>
    /// <exception cref="PvcException">WriteConflict: "TaskWriteConflict": the node or primary kept changing; nothing was written.</exception>
    public Task<ClusterTask> SubmitAsync(string kind, JsonObject arguments, string? runOn = null, CancellationToken cancellationToken = default) =>
        SubmitWithAsync(kind, arguments, runOn, null, cancellationToken);

    /// <summary>
    /// As <see cref="SubmitAsync"/>, with the operations <paramref name="alsoWrite"/> makes (given the new task's id, read
    /// afresh at each attempt) in the same transaction: a vm.remove task and its VM's removal marker are written together.
    /// </summary>
    internal async Task<ClusterTask> SubmitWithAsync(string kind, JsonObject arguments, string? runOn,
        Func<string, CancellationToken, Task<IReadOnlyList<Op>>>? alsoWrite, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        if (!ClusterTaskKinds.IsValid(kind))
            throw new PvcException(PvcErrorKind.InvalidArgument, PvcErrorIds.InvalidTaskKind, $"'{kind}' is not a task kind: a kind is {ClusterTaskKinds.Rule}.") { Target = kind };
        if (runOn is not null)
            NodeName.Validate(runOn);
        var zk = connection.ZooKeeper;
        var args = (JsonObject)arguments.DeepClone();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var batch = new ZnodeBatch(zk).Data(BaseKeys.PrimaryNode);
                foreach (var folder in TaskKeys.Folders)
                    batch.Data(folder);
                if (runOn is not null)
                    batch.Data(NodeKeys.Path(runOn, NodeKeys.DaemonState)).Data(TaskKeys.NodeQueue(runOn));
                await batch.ReadAsync(cancellationToken);
                var node = runOn;
                var checks = new List<Op>();
                if (node is null)
                {
                    node = PrimaryOf(batch.Text(BaseKeys.PrimaryNode))
                        ?? throw new PvcException(PvcErrorKind.ResourceUnavailable, PvcErrorIds.NoPrimaryCoordinator,
                            "No primary coordinator is elected to run the task; wait for the election or name a node.") { Target = kind };
                    checks.Add(Op.Check(BaseKeys.PrimaryNode, batch.StatOf(BaseKeys.PrimaryNode)!.Version));
                    batch.Data(NodeKeys.Path(node, NodeKeys.DaemonState)).Data(TaskKeys.NodeQueue(node));
                    await batch.ReadAsync(cancellationToken);
                }
                var statePath = NodeKeys.Path(node, NodeKeys.DaemonState);
                if (batch.StatOf(statePath) is not { } stateStat)
                    throw new PvcException(PvcErrorKind.NotFound, PvcErrorIds.NodeNotFound, $"There is no node '{node}' to run the task on.") { Target = node };
                var state = Wire.DaemonState.Decode(batch.Text(statePath));
                if (state != NodeDaemonState.Run)
                    throw new PvcException(PvcErrorKind.InvalidOperation, PvcErrorIds.NodeNotRunning,
                        $"Node '{node}' is '{Wire.DaemonState.Describe(state)}', not 'run': its node service would not run the task. Start it, or route the task to another node.") { Target = node };
                checks.Add(Op.Check(statePath, stateStat.Version));
                var task = new ClusterTask
                {
                    Id = ClusterTaskId.New(),
                    Kind = kind,
                    Arguments = args,
                    RunOn = node,
                    NodeBound = runOn is not null,
                    State = ClusterTaskState.Pending,
                    CreatedAt = DateTimeOffset.UtcNow,
                };
                var ops = new List<Op>(checks);
                foreach (var folder in TaskKeys.Folders)
                {
                    if (batch.StatOf(folder) is null)
                        ops.Add(Op.Create(folder, ReadOnlyMemory<byte>.Empty));
                }
                if (batch.StatOf(TaskKeys.NodeQueue(node)) is null)
                    ops.Add(Op.Create(TaskKeys.NodeQueue(node), ReadOnlyMemory<byte>.Empty));
                if (alsoWrite is not null)
                    ops.AddRange(await alsoWrite(task.Id, cancellationToken));
                ops.Add(Op.Create(TaskKeys.Item(task.Id), ClusterTaskCodec.Encode(task)));
                ops.Add(Op.Create(TaskKeys.Marker(node, task.Id), ReadOnlyMemory<byte>.Empty));
                await zk.MultiAsync(ops, cancellationToken);
                return task with { Version = 0, Cluster = connection };
            }
            catch (ZooKeeperException e) when (e is BadVersionException or NodeExistsException or NoNodeException)
            {
                // the node or primary changed, another submitter made a folder, or (once in 4 billion) the id was taken
                if (attempt == Attempts)
                    throw new PvcException(PvcErrorKind.WriteConflict, PvcErrorIds.TaskWriteConflict, $"The cluster kept changing while the task was written ({e.Message}); nothing was written. Try again.", e) { Target = kind };
            }
        }
    }

    /// <summary>One task.</summary>
    /// <exception cref="PvcException">InvalidArgument: "InvalidTaskId"; NotFound: "TaskNotFound"; InvalidData: "TaskRecordInvalid".</exception>
    public async Task<ClusterTask> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        id = ClusterTaskId.Normalize(id);
        try
        {
            var data = await connection.ZooKeeper.GetDataAsync(TaskKeys.Item(id), cancellationToken: cancellationToken);
            return ClusterTaskCodec.Decode(id, data.Data, data.Stat.Version) with { Cluster = connection };
        }
        catch (NoNodeException)
        {
            throw NotFound(id);
        }
    }

    /// <summary>
    /// How long the task had existed at its record's last write, on ZooKeeper's clock alone: its znode's creation time
    /// (ctime) to its last modification (mtime), both stamped by the ZooKeeper leader, so no Pvc host's clock enters. A
    /// runner that has just written the record (a progress report) learns how long ago the task was submitted. Each time
    /// is the clock of the leader that handled that write: after a leader change the two may come from two servers'
    /// clocks, and the age may even be negative (a caller takes that as unknown).
    /// </summary>
    /// <returns>The age, or null when the task no longer exists.</returns>
    public async Task<TimeSpan?> AgeAtLastWriteAsync(string id, CancellationToken cancellationToken = default)
    {
        id = ClusterTaskId.Normalize(id);
        return await connection.ZooKeeper.ExistsAsync(TaskKeys.Item(id), cancellationToken: cancellationToken) is { } stat
            ? TimeSpan.FromMilliseconds(stat.ModifiedTime - stat.CreatedTime) : null;
    }

    /// <summary>Every task, newest first, in two round trips. A record this version cannot read is left out of the list (GetAsync names its problem).</summary>
    public async Task<IReadOnlyList<ClusterTask>> ListAsync(CancellationToken cancellationToken = default) =>
        [.. (await ReadAllAsync(connection.ZooKeeper, cancellationToken)).Select(t => t with { Cluster = connection })];

    /// <summary>
    /// Waits on a watch for the task to finish, reporting each new progress, and returns it once it succeeded.
    /// </summary>
    /// <param name="id">The task's id.</param>
    /// <param name="progress">Told each progress the task reports (and its state changes, as a progress with the state's name).</param>
    /// <param name="timeout">How long to wait; the task goes on after it.</param>
    /// <param name="cancellationToken">Ends the wait (not the task).</param>
    /// <returns>The task, succeeded.</returns>
    /// <exception cref="PvcException">The task's own error when it failed: its <see cref="ClusterTask.ErrorKind"/> and
    /// <see cref="ClusterTask.ErrorId"/> ("TaskFailed" when it had none), the task as Detail, its id as Target.</exception>
    /// <exception cref="PvcException">OperationTimeout: "WaitTimeout": it had not finished in time (it goes on).</exception>
    /// <exception cref="PvcException">NotFound: "TaskNotFound": there is no such task (or it was pruned).</exception>
    public async Task<ClusterTask> WaitAsync(string id, IProgress<ClusterTaskProgress>? progress, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        id = ClusterTaskId.Normalize(id);
        WaitTimeout.Validate(timeout, id);
        var zk = connection.ZooKeeper;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        ClusterTask? last = null;
        try
        {
            while (true)
            {
                var changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                DataResult data;
                try
                {
                    data = await zk.GetDataAsync(TaskKeys.Item(id), _ => changed.TrySetResult(), deadline.Token);
                }
                catch (NoNodeException)
                {
                    throw NotFound(id);
                }
                var task = ClusterTaskCodec.Decode(id, data.Data, data.Stat.Version) with { Cluster = connection };
                if (progress is not null && task.Progress is { } p && (last?.Progress != p))
                    progress.Report(p);
                last = task;
                if (task.State == ClusterTaskState.Success)
                    return task;
                if (task.State == ClusterTaskState.Failure)
                    throw FailureOf(task);
                await changed.Task.WaitAsync(deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new PvcException(PvcErrorKind.OperationTimeout, PvcErrorIds.WaitTimeout,
                $"Task {id} ({last?.Kind}) was still {ClusterTaskCodec.StateText(last?.State ?? ClusterTaskState.Pending)} on {last?.RunOn} after {timeout}{(last?.Progress is { } p ? $" ({p.Current}/{p.Total}: {p.Status})" : "")}; it goes on, and waiting on it again is safe.") { Target = id, Detail = last };
        }
    }

    /// <summary>
    /// Deletes the tasks that finished more than <paramref name="retention"/> ago, in transactions that check each
    /// record's version (a record changed meanwhile is left for the next prune). The primary does this.
    /// </summary>
    /// <returns>The ids deleted.</returns>
    public async Task<IReadOnlyList<string>> PruneAsync(TimeSpan retention, CancellationToken cancellationToken = default)
    {
        var zk = connection.ZooKeeper;
        var cutoff = DateTimeOffset.UtcNow - retention;
        var old = (await ReadAllAsync(zk, cancellationToken)).Where(t => t.IsFinished && t.FinishedAt is { } f && f < cutoff).ToList();
        var deleted = new List<string>();
        foreach (var chunk in old.Chunk(200))
        {
            try
            {
                await zk.MultiAsync([.. chunk.Select(t => Op.Delete(TaskKeys.Item(t.Id), t.Version))], cancellationToken);
                deleted.AddRange(chunk.Select(t => t.Id));
            }
            catch (ZooKeeperException e) when (e is BadVersionException or NoNodeException)
            {
                // someone changed or removed one of them meanwhile: the next prune decides again
            }
        }
        return deleted;
    }

    /// <summary>The exception a failed task's wait throws: the task's own kind and id.</summary>
    public static PvcException FailureOf(ClusterTask task)
    {
        ArgumentNullException.ThrowIfNull(task);
        return new PvcException(task.ErrorKind ?? PvcErrorKind.InvalidOperation, task.ErrorId ?? PvcErrorIds.TaskFailed,
            $"Task {task.Id} ({task.Kind}) failed on {task.RunOn}: {task.Error ?? "no reason was recorded"}") { Target = task.Id, Detail = task };
    }

    internal static PvcException NotFound(string id) =>
        new(PvcErrorKind.NotFound, PvcErrorIds.TaskNotFound, $"There is no task '{id}' (finished tasks are pruned after a while).") { Target = id };

    /// <summary>"none" or empty is no primary.</summary>
    internal static string? PrimaryOf(string? text) => PvcText.Decode(text) is { } name && name != "none" ? name : null;

    /// <summary>Every readable task, newest first: the listing and the records, in two round trips.</summary>
    internal static async Task<IReadOnlyList<ClusterTask>> ReadAllAsync(ZooKeeperClient zk, CancellationToken cancellationToken)
    {
        var list = new ZnodeBatch(zk).Children(TaskKeys.Items);
        await list.ReadAsync(cancellationToken);
        var ids = list.ChildrenOf(TaskKeys.Items) ?? [];
        var batch = new ZnodeBatch(zk);
        var slots = ids.Select(id => (Id: id, Slot: batch.DataSlot(TaskKeys.Item(id)))).ToList();
        await batch.ReadAsync(cancellationToken);
        var tasks = new List<ClusterTask>(slots.Count);
        foreach (var (id, slot) in slots)
        {
            if (!ClusterTaskId.IsValid(id) || batch.Bytes(slot) is not { } bytes)
                continue; // not a task's, or removed between the two reads
            try
            {
                tasks.Add(ClusterTaskCodec.Decode(id, bytes, batch.StatOf(slot)?.Version ?? -1));
            }
            catch (PvcException)
            {
                // unreadable record: GetAsync names its problem; a listing shows the rest
            }
        }
        return [.. tasks.OrderByDescending(t => t.CreatedAt).ThenBy(t => t.Id, StringComparer.Ordinal)];
    }
}
