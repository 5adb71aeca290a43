using System.Text;
using System.Text.Json.Nodes;
using Pvc.Core.Cluster;
using Pvc.Core.Connection;
using Pvc.Core.Errors;
using Pvc.Core.Schema;
using Pvc.Core.Tasks;
using Pvc.Testing.Pvc;
using Pvc.Testing.ZooKeeper;
using Pvc.ZooKeeper;

namespace Pvc.Core.Tests.Tasks;

/// <summary>Cluster tasks in a real ZooKeeper: how they are written, read, claimed, waited for and pruned.</summary>
[Collection(ZooKeeperCollection.Name)]
public sealed class ClusterTaskStoreTests(ZooKeeperFixture zk)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private static async Task<TestCluster> ClusterAsync(ZooKeeperFixture zk, string primary = "hv1")
    {
        var cluster = await TestCluster.StartAsync(zk);
        await cluster.Raw.SetDataAsync(BaseKeys.PrimaryNode, Encoding.UTF8.GetBytes(primary));
        return cluster;
    }

    private static JsonObject Args(int steps = 2) => new() { ["steps"] = steps };

    [Fact]
    public async Task A_task_is_routed_to_the_primary_by_default_or_bound_to_the_node_named_and_listed_in_two_round_trips()
    {
        await using var c = await ClusterAsync(zk, primary: "hv2");
        var tasks = c.Connection.Tasks;

        var toPrimary = await tasks.SubmitAsync(ClusterTaskKinds.VolumeAdd, Args());
        var bound = await tasks.SubmitAsync(ClusterTaskKinds.OsdAdd, new JsonObject { ["device"] = "/dev/sdb" }, runOn: "hv3");

        Assert.Matches("^[0-9a-f]{8}$", toPrimary.Id);
        Assert.Equal(("hv2", false, ClusterTaskState.Pending), (toPrimary.RunOn, toPrimary.NodeBound, toPrimary.State));
        Assert.Equal(("hv3", true), (bound.RunOn, bound.NodeBound));
        Assert.NotNull(await c.Raw.ExistsAsync(TaskKeys.Marker("hv2", toPrimary.Id)));
        Assert.NotNull(await c.Raw.ExistsAsync(TaskKeys.Marker("hv3", bound.Id)));
        for (var i = 0; i < 20; i++)
            await tasks.SubmitAsync(ClusterTaskKinds.PoolAdd, Args());

        var before = c.Connection.RoundTrips;
        var list = await tasks.ListAsync();
        Assert.Equal(2, c.Connection.RoundTrips - before);
        Assert.Equal(22, list.Count);
        var read = Assert.Single(list, t => t.Id == bound.Id);
        Assert.Equal("/dev/sdb", read.Arguments["device"]!.GetValue<string>());
        Assert.Equal(bound.CreatedAt.ToUnixTimeMilliseconds(), read.CreatedAt.ToUnixTimeMilliseconds());
        Assert.Same(c.Connection, read.Cluster);
        Assert.Equal(ClusterTaskKinds.OsdAdd, (await tasks.GetAsync(bound.Id.ToUpperInvariant())).Kind);
    }

    [Fact]
    public async Task Submissions_the_cluster_cannot_run_are_refused_and_nothing_is_written()
    {
        await using var c = await ClusterAsync(zk, primary: "none");
        await PvcSeed.AddNodeAsync(c.Raw, "hv9", daemonState: "stop");
        var tasks = c.Connection.Tasks;

        Assert.Equal(PvcErrorIds.NoPrimaryCoordinator, (await PvcAssert.ThrowsAsync(PvcErrorKind.ResourceUnavailable, () => tasks.SubmitAsync(ClusterTaskKinds.PoolAdd, Args()))).ErrorId);
        Assert.Equal(PvcErrorIds.NodeNotFound, (await PvcAssert.ThrowsAsync(PvcErrorKind.NotFound, () => tasks.SubmitAsync(ClusterTaskKinds.PoolAdd, Args(), "hv7"))).ErrorId);
        Assert.Equal(PvcErrorIds.NodeNotRunning, (await PvcAssert.ThrowsAsync(PvcErrorKind.InvalidOperation, () => tasks.SubmitAsync(ClusterTaskKinds.PoolAdd, Args(), "hv9"))).ErrorId);
        Assert.Equal(PvcErrorIds.InvalidNodeName, (await PvcAssert.ThrowsAsync(PvcErrorKind.InvalidArgument, () => tasks.SubmitAsync(ClusterTaskKinds.PoolAdd, Args(), "../hv1"))).ErrorId);
        Assert.Equal(PvcErrorIds.InvalidTaskKind, (await PvcAssert.ThrowsAsync(PvcErrorKind.InvalidArgument, () => tasks.SubmitAsync("Pool Add", Args(), "hv1"))).ErrorId);
        Assert.Equal(PvcErrorIds.InvalidTaskId, (await PvcAssert.ThrowsAsync(PvcErrorKind.InvalidArgument, () => tasks.GetAsync("../config"))).ErrorId);
        Assert.Equal(PvcErrorIds.TaskNotFound, (await PvcAssert.ThrowsAsync(PvcErrorKind.NotFound, () => tasks.GetAsync("0badf00d"))).ErrorId);

        Assert.Null(await c.Raw.ExistsAsync(TaskKeys.Root));
        Assert.Empty(await tasks.ListAsync());
    }

    [Fact]
    public async Task Tasks_leave_Core_schema_validation_valid_and_its_repair_leaves_them_alone()
    {
        await using var c = await ClusterAsync(zk);
        var task = await c.Connection.Tasks.SubmitAsync(ClusterTaskKinds.VolumeAdd, Args());

        var report = await SchemaValidator.ValidateAsync(c.Connection);
        Assert.True(report.IsValid, string.Join("\n", report.Problems));
        await SchemaValidator.RepairAsync(c.Connection);

        Assert.Equal(task.Id, (await c.Connection.Tasks.GetAsync(task.Id)).Id);
        Assert.Equal([task.Id], (await c.Raw.GetChildrenAsync(TaskKeys.Items)).Children);
    }

    [Fact]
    public async Task Exactly_one_of_two_racing_runners_claims_a_task()
    {
        await using var c = await ClusterAsync(zk);
        await using var second = await ClusterConnection.ConnectAsync(new() { Servers = [c.Chroot] });
        var ids = new List<string>();
        for (var i = 0; i < 10; i++)
            ids.Add((await c.Connection.Tasks.SubmitAsync(ClusterTaskKinds.PoolAdd, Args())).Id);
        var a = new ClusterTaskHostOperations(c.Connection, "hv1");
        var b = new ClusterTaskHostOperations(second, "hv1");

        foreach (var id in ids)
        {
            var (ta, tb) = (await a.ReadQueuedAsync(id, default), await b.ReadQueuedAsync(id, default));
            var claims = await Task.WhenAll(a.ClaimAsync(ta!, safeToRepeat: false, default), b.ClaimAsync(tb!, safeToRepeat: false, default));
            var winner = Assert.Single(claims, x => x is not null)!;
            var stored = await c.Connection.Tasks.GetAsync(id);
            Assert.Equal((ClusterTaskState.Running, winner.RunnerSession, 1), (stored.State, stored.RunnerSession, stored.Attempts));
            Assert.Null(await c.Raw.ExistsAsync(TaskKeys.Marker("hv1", id)));
            Assert.Null(await a.ReadQueuedAsync(id, default)); // not Pending any more: nothing to run
        }
    }

    [Fact]
    public async Task A_waiting_client_sees_each_progress_on_a_watch_and_gets_the_result()
    {
        await using var c = await ClusterAsync(zk);
        var task = await c.Connection.Tasks.SubmitAsync(ClusterTaskKinds.VolumeAdd, Args());
        var runner = new ClusterTaskHostOperations(c.Connection, "hv1");
        var seen = new List<ClusterTaskProgress>();
        var reported = new SemaphoreSlim(0);
        var progress = new SyncProgress(p =>
        {
            lock (seen)
                seen.Add(p);
            reported.Release();
        });

        var wait = c.Connection.Tasks.WaitAsync(task.Id, progress, Deadline);
        var running = (await runner.ClaimAsync((await runner.ReadQueuedAsync(task.Id, default))!, safeToRepeat: true, default))!;
        for (var i = 1; i <= 3; i++)
        {
            running = await runner.ReportAsync(running, new ClusterTaskProgress(i, 3, $"step {i}"), default);
            Assert.True(await reported.WaitAsync(Deadline), $"progress {i} reached the waiting client");
        }
        await runner.SucceedAsync(running, new JsonObject { ["volume"] = "vms/disk0" }, default);

        var done = await wait;
        Assert.Equal(ClusterTaskState.Success, done.State);
        Assert.Equal("vms/disk0", done.Result!["volume"]!.GetValue<string>());
        Assert.Equal(["step 1", "step 2", "step 3"], seen.Select(p => p.Status));
        Assert.Equal(100, seen[^1].Percent);
    }

    [Fact]
    public async Task A_failed_task_makes_the_wait_throw_its_own_error_id_and_a_wait_that_runs_out_says_where_it_was()
    {
        await using var c = await ClusterAsync(zk);
        var tasks = c.Connection.Tasks;
        var task = await tasks.SubmitAsync(ClusterTaskKinds.PoolAdd, Args());
        var runner = new ClusterTaskHostOperations(c.Connection, "hv1");
        var running = (await runner.ClaimAsync((await runner.ReadQueuedAsync(task.Id, default))!, false, default))!;
        running = await runner.ReportAsync(running, new ClusterTaskProgress(1, 4, "creating"), default);

        var timedOut = await PvcAssert.ThrowsAsync(PvcErrorKind.OperationTimeout, () => tasks.WaitAsync(task.Id, null, TimeSpan.FromMilliseconds(300)));
        Assert.Equal(PvcErrorIds.WaitTimeout, timedOut.ErrorId);
        Assert.Contains("running on hv1", timedOut.Message, StringComparison.Ordinal);
        Assert.Contains("1/4: creating", timedOut.Message, StringComparison.Ordinal);

        await runner.FailAsync(running, PvcErrorKind.ResourceUnavailable, PvcErrorIds.CephNoSpace, "The pool is full.", default);
        var failed = await PvcAssert.ThrowsAsync(PvcErrorKind.ResourceUnavailable, () => tasks.WaitAsync(task.Id, null, Deadline));
        Assert.Equal(PvcErrorIds.CephNoSpace, failed.ErrorId);
        Assert.Equal(task.Id, failed.Target);
        Assert.Contains("The pool is full.", failed.Message, StringComparison.Ordinal);
        Assert.Equal(ClusterTaskState.Failure, Assert.IsType<ClusterTask>(failed.Detail).State);
    }

    [Fact]
    public async Task A_dead_nodes_tasks_are_handed_to_the_primary_only_when_that_cannot_run_them_twice()
    {
        // submitted while hv2 was primary: routed there, not bound; then hv2 dies and hv1 becomes primary
        await using var c = await ClusterAsync(zk, primary: "hv2");
        var tasks = c.Connection.Tasks;
        var pending = await tasks.SubmitAsync(ClusterTaskKinds.VolumeAdd, Args());
        var repeatable = await tasks.SubmitAsync(ClusterTaskKinds.VolumeResize, Args());
        var unrepeatable = await tasks.SubmitAsync(ClusterTaskKinds.VolumeUpload, Args());
        var bound = await tasks.SubmitAsync(ClusterTaskKinds.OsdAdd, Args(), runOn: "hv2");
        var boundPending = await tasks.SubmitAsync(ClusterTaskKinds.OsdRefresh, Args(), runOn: "hv2");
        var hv2 = new ClusterTaskHostOperations(c.Connection, "hv2");
        async Task<ClusterTask> ClaimAsync(ClusterTask t, bool safe) => (await hv2.ClaimAsync((await hv2.ReadQueuedAsync(t.Id, default))!, safe, default))!;
        var runningRepeatable = await ClaimAsync(repeatable, true);
        await ClaimAsync(unrepeatable, false);
        await ClaimAsync(bound, true);
        await c.Raw.SetDataAsync(BaseKeys.PrimaryNode, "hv1"u8.ToArray());

        var outcomes = await ClusterTaskRecovery.RecoverAsync(c.Connection, "hv2", "node hv2 died and was fenced", handOverRunning: true, onlyOtherSessions: false, fallback: null, default);

        Assert.Equal(5, outcomes.Count);
        var now = (await tasks.ListAsync()).ToDictionary(t => t.Id);
        Assert.Equal((ClusterTaskState.Pending, "hv1"), (now[pending.Id].State, now[pending.Id].RunOn));
        Assert.Equal((ClusterTaskState.Pending, "hv1", 1), (now[repeatable.Id].State, now[repeatable.Id].RunOn, now[repeatable.Id].Attempts));
        Assert.Contains("handed to hv1", Assert.Single(now[repeatable.Id].History), StringComparison.Ordinal);
        // rev14 P3-9: the session may have ended between the handler's end and its success being written
        Assert.Contains("may have been done before its success could be recorded", now[repeatable.Id].History[0], StringComparison.Ordinal);
        foreach (var id in new[] { unrepeatable.Id, bound.Id, boundPending.Id })
            Assert.Equal((ClusterTaskState.Failure, PvcErrorIds.TaskNodeDied), (now[id].State, now[id].ErrorId));
        Assert.Contains("not safe to repeat", now[unrepeatable.Id].Error, StringComparison.Ordinal);
        Assert.Contains("may even have finished", now[unrepeatable.Id].Error, StringComparison.Ordinal);
        Assert.Contains("bound to hv2", now[bound.Id].Error, StringComparison.Ordinal);
        Assert.Equal(new[] { pending.Id, repeatable.Id }.Order(), (await c.Raw.GetChildrenAsync(TaskKeys.NodeQueue("hv1"))).Children.Order());
        Assert.Empty((await c.Raw.GetChildrenAsync(TaskKeys.NodeQueue("hv2"))).Children);
        // a zombie of hv2 that wakes cannot write over what recovery decided: it is told to stop
        var zombie = await PvcAssert.ThrowsAsync(PvcErrorKind.InvalidOperation, () => hv2.ReportAsync(runningRepeatable, new ClusterTaskProgress(1, 2, "late"), default));
        Assert.Equal(PvcErrorIds.TaskTakenOver, zombie.ErrorId);
        // the primary's runner claims the handed-over task: its second attempt
        var hv1 = new ClusterTaskHostOperations(c.Connection, "hv1");
        var again = (await hv1.ClaimAsync((await hv1.ReadQueuedAsync(repeatable.Id, default))!, true, default))!;
        Assert.Equal(2, again.Attempts);
    }

    [Fact]
    public async Task A_node_declared_dead_but_not_fenced_keeps_no_running_task_alive_and_hands_over_none()
    {
        await using var c = await ClusterAsync(zk, primary: "hv2");
        var repeatable = await c.Connection.Tasks.SubmitAsync(ClusterTaskKinds.VolumeResize, Args());
        var hv2 = new ClusterTaskHostOperations(c.Connection, "hv2");
        await hv2.ClaimAsync((await hv2.ReadQueuedAsync(repeatable.Id, default))!, true, default);
        await c.Raw.SetDataAsync(BaseKeys.PrimaryNode, "hv1"u8.ToArray());

        var outcome = Assert.Single(await ClusterTaskRecovery.RecoverAsync(c.Connection, "hv2", "node hv2 died (not fenced)", handOverRunning: false, onlyOtherSessions: false, fallback: "hv3", default));

        Assert.Null(outcome.HandedTo);
        Assert.Equal(PvcErrorIds.TaskNodeDied, outcome.Task.ErrorId);
        Assert.Contains("may still be going on", outcome.Task.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pruning_deletes_only_tasks_finished_longer_ago_than_the_retention()
    {
        await using var c = await ClusterAsync(zk);
        var tasks = c.Connection.Tasks;
        var runner = new ClusterTaskHostOperations(c.Connection, "hv1");
        var old = await tasks.SubmitAsync(ClusterTaskKinds.PoolAdd, Args());
        var running = await tasks.SubmitAsync(ClusterTaskKinds.PoolAdd, Args());
        var pending = await tasks.SubmitAsync(ClusterTaskKinds.PoolAdd, Args());
        var claimedOld = (await runner.ClaimAsync((await runner.ReadQueuedAsync(old.Id, default))!, false, default))!;
        await runner.ClaimAsync((await runner.ReadQueuedAsync(running.Id, default))!, false, default);
        await runner.SucceedAsync(claimedOld, null, default);

        Assert.Empty(await tasks.PruneAsync(TimeSpan.FromHours(1)));
        var finishedAt = (await tasks.GetAsync(old.Id)).FinishedAt!.Value;
        var pruned = await tasks.PruneAsync(DateTimeOffset.UtcNow - finishedAt - TimeSpan.FromMilliseconds(1));

        Assert.Equal([old.Id], pruned);
        Assert.Equal(new[] { pending.Id, running.Id }.Order(), (await tasks.ListAsync()).Select(t => t.Id).Order());
    }

    /// <summary>Reports synchronously, in order (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class SyncProgress(Action<ClusterTaskProgress> report) : IProgress<ClusterTaskProgress>
    {
        public void Report(ClusterTaskProgress value) => report(value);
    }
}
