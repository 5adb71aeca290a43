using System.Text;
using System.Text.Json.Nodes;
using Pvc.Core.Connection;
using Pvc.Core.Errors;
using Pvc.Core.Schema;
using Pvc.Core.Tasks;
using Pvc.Core.Vms;
using Pvc.NodeService.Ceph;
using Pvc.NodeService.Tasks;
using Pvc.NodeService.TestHandlers;
using Pvc.Testing.Network;
using Pvc.Testing.Pvc;
using Pvc.Testing.ZooKeeper;

namespace Pvc.NodeService.Tests.Tasks;

/// <summary>The node service's task runner in this process, against a real ZooKeeper, with the test handlers.</summary>
[Collection(ZooKeeperCollection.Name)]
public sealed class ClusterTaskRunnerTests(ZooKeeperFixture zk)
{
    private static IClusterTaskHandler[] Handlers() => [new GatedHandler(), new RepeatableGatedHandler(), new RefusingHandler(), new CrashingHandler()];

    private static async Task<TestCluster> ClusterAsync(ZooKeeperFixture zk)
    {
        var cluster = await TestCluster.StartAsync(zk);
        await cluster.Raw.SetDataAsync(BaseKeys.PrimaryNode, Encoding.UTF8.GetBytes("hv1"));
        return cluster;
    }

    [Fact]
    public async Task Two_runners_of_one_node_racing_never_both_run_a_task()
    {
        await using var c = await ClusterAsync(zk);
        await using var second = await ClusterConnection.ConnectAsync(new() { Servers = [c.Chroot] });
        using var stop = new CancellationTokenSource();
        var log = new LineLogger();
        var runners = new[]
        {
            new ClusterTaskRunner(c.Connection, "hv1", Handlers(), null, log).RunAsync(stop.Token),
            new ClusterTaskRunner(second, "hv1", Handlers(), null, log).RunAsync(stop.Token),
        };
        var ids = new List<string>();
        for (var i = 0; i < 30; i++)
            ids.Add((await c.Connection.Tasks.SubmitAsync(TestTaskKinds.Gated, new JsonObject { ["steps"] = 1 })).Id);

        foreach (var id in ids)
        {
            var done = await c.Connection.Tasks.WaitAsync(id, null, TaskWatch.Deadline);
            Assert.Equal((1, "hv1"), (done.Attempts, done.Result!["node"]!.GetValue<string>()));
            Assert.Equal(["hv1"], await TaskWatch.RunsAsync(c.Connection, id));
        }
        // both took part: the race was real (a runner that never won proves nothing)
        Assert.Equal(2, (await c.Connection.Tasks.ListAsync()).Select(t => t.RunnerSession).Distinct().Count());
        await stop.CancelAsync();
        await Task.WhenAll(runners).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    [Fact]
    public async Task A_refusal_a_crash_and_an_unknown_kind_fail_their_tasks_with_clear_error_ids()
    {
        await using var c = await ClusterAsync(zk);
        using var stop = new CancellationTokenSource();
        var runner = new ClusterTaskRunner(c.Connection, "hv1", Handlers(), null, new LineLogger()).RunAsync(stop.Token);
        var tasks = c.Connection.Tasks;

        var refused = await PvcAssert.ThrowsAsync(PvcErrorKind.InvalidArgument, async () => await tasks.WaitAsync((await tasks.SubmitAsync(TestTaskKinds.Refuse, [])).Id, null, TaskWatch.Deadline));
        var crashed = await PvcAssert.ThrowsAsync(PvcErrorKind.InvalidOperation, async () => await tasks.WaitAsync((await tasks.SubmitAsync(TestTaskKinds.Crash, [])).Id, null, TaskWatch.Deadline));
        var unknown = await PvcAssert.ThrowsAsync(PvcErrorKind.InvalidOperation, async () => await tasks.WaitAsync((await tasks.SubmitAsync("storage.defrag", [])).Id, null, TaskWatch.Deadline));

        Assert.Equal(TestTaskKinds.RefusalErrorId, refused.ErrorId);
        Assert.Contains("refuses this task", refused.Message, StringComparison.Ordinal);
        // rev14 P3-13: a refusal's JSON detail is the failed task's result
        Assert.Equal("as it was", ((ClusterTask)refused.Detail!).Result!["left"]!.GetValue<string>());
        Assert.Equal(PvcErrorIds.TaskFailed, crashed.ErrorId);
        Assert.Contains("the test handler crashed", crashed.Message, StringComparison.Ordinal);
        Assert.Equal(PvcErrorIds.TaskKindUnknown, unknown.ErrorId);
        Assert.Contains("no handler for task kind 'storage.defrag'", unknown.Message, StringComparison.Ordinal);
        Assert.Empty((await c.Raw.GetChildrenAsync(TaskKeys.NodeQueue("hv1"))).Children);
        await stop.CancelAsync();
        await runner.ContinueWith(_ => { }, TaskScheduler.Default);
    }

    [Fact]
    public async Task A_forced_lock_flush_is_recorded_as_not_safe_to_repeat_and_a_plain_one_as_safe()
    {
        // rev14 P3-7: a forced flush handed over after its node died would break the locks of a VM started meanwhile
        await using var c = await ClusterAsync(zk);
        using var stop = new CancellationTokenSource();
        using var ceph = new CephAccess((CephClientOptions?)null);
        var runner = new ClusterTaskRunner(c.Connection, "hv1", [new VmFlushLocksHandler(ceph)], null, new LineLogger()).RunAsync(stop.Token);
        var vm = Guid.NewGuid().ToString();
        var forced = await c.Connection.Tasks.SubmitAsync(ClusterTaskKinds.VmFlushLocks, new JsonObject { [VmOperations.FlushLocksVmArgument] = vm, [VmOperations.FlushLocksForceArgument] = true });
        var plain = await c.Connection.Tasks.SubmitAsync(ClusterTaskKinds.VmFlushLocks, new JsonObject { [VmOperations.FlushLocksVmArgument] = vm });

        // no such VM: both fail once claimed, and the claim recorded whether each may run again
        await Assert.ThrowsAsync<PvcException>(() => c.Connection.Tasks.WaitAsync(forced.Id, null, TaskWatch.Deadline));
        await Assert.ThrowsAsync<PvcException>(() => c.Connection.Tasks.WaitAsync(plain.Id, null, TaskWatch.Deadline));

        Assert.False((await c.Connection.Tasks.GetAsync(forced.Id)).SafeToRepeat);
        Assert.True((await c.Connection.Tasks.GetAsync(plain.Id)).SafeToRepeat);
        await stop.CancelAsync();
        await runner.ContinueWith(_ => { }, TaskScheduler.Default);
    }

    [Fact]
    public async Task Stopping_the_runner_cancels_a_running_handler_and_fails_its_task_as_cancelled()
    {
        await using var c = await ClusterAsync(zk);
        using var stop = new CancellationTokenSource();
        var runner = new ClusterTaskRunner(c.Connection, "hv1", Handlers(), null, new LineLogger()).RunAsync(stop.Token);
        var task = await c.Connection.Tasks.SubmitAsync(TestTaskKinds.Gated, new JsonObject { ["gate"] = "/never-opened" });
        await TaskWatch.UntilAsync(c.Connection, task.Id, t => t.Progress?.Status == "waiting for the gate", "waiting at its gate");

        await stop.CancelAsync();
        await runner.ContinueWith(_ => { }, TaskScheduler.Default);

        var failed = await c.Connection.Tasks.GetAsync(task.Id);
        Assert.Equal((ClusterTaskState.Failure, PvcErrorIds.TaskCancelled, PvcErrorKind.ResourceUnavailable), (failed.State, failed.ErrorId, failed.ErrorKind));
    }

    [Fact]
    public async Task A_restarted_runner_hands_its_earlier_sessions_repeatable_task_back_and_runs_it_again()
    {
        await using var c = await ClusterAsync(zk);
        // an earlier session of hv1's service claimed the task and died without a word (its session simply ends)
        var earlier = await ClusterConnection.ConnectAsync(new() { Servers = [c.Chroot] });
        var task = await c.Connection.Tasks.SubmitAsync(TestTaskKinds.RepeatableGated, new JsonObject { ["steps"] = 1 });
        var ops = new ClusterTaskHostOperations(earlier, "hv1");
        await ops.ClaimAsync((await ops.ReadQueuedAsync(task.Id, default))!, safeToRepeat: true, default);
        await earlier.DisposeAsync();

        using var stop = new CancellationTokenSource();
        var runner = new ClusterTaskRunner(c.Connection, "hv1", Handlers(), null, new LineLogger()).RunAsync(stop.Token);
        var done = await c.Connection.Tasks.WaitAsync(task.Id, null, TaskWatch.Deadline);

        Assert.Equal(2, done.Attempts);
        Assert.Contains("restarted while it ran", Assert.Single(done.History), StringComparison.Ordinal);
        await stop.CancelAsync();
        await runner.ContinueWith(_ => { }, TaskScheduler.Default);
    }

    [Fact]
    public async Task The_runner_lives_through_a_connection_lost_while_it_reads_its_queue()
    {
        await using var c = await ClusterAsync(zk);
        await using var proxy = new TcpProxy(zk.Server.ClientPort);
        await using var through = await ClusterConnection.ConnectAsync(new() { Servers = [proxy.Endpoint + c.Chroot[c.Chroot.IndexOf('/', StringComparison.Ordinal)..]] });
        // the queue's first read reaches the server, its answer is held back, and the connection is cut under it
        var paused = proxy.PauseRepliesAfterRequestWith(Encoding.UTF8.GetBytes(TaskKeys.NodeQueue("hv1")));
        using var stop = new CancellationTokenSource();
        var log = new LineLogger();
        var runner = new ClusterTaskRunner(through, "hv1", Handlers(), null, log) { RetryDelay = TimeSpan.FromMilliseconds(100) }.RunAsync(stop.Token);
        await paused.WaitAsync(TaskWatch.Deadline);
        proxy.Cut();
        proxy.ResumeReplies();
        proxy.Restore();

        var done = await c.Connection.Tasks.WaitAsync((await c.Connection.Tasks.SubmitAsync(TestTaskKinds.Gated, new JsonObject { ["steps"] = 1 })).Id, null, TaskWatch.Deadline);

        Assert.Equal("hv1", done.Result!["node"]!.GetValue<string>());
        Assert.False(runner.IsCompleted, "the runner went on");
        Assert.Contains(log.Lines, l => l.Text.StartsWith("Task queue watch:", StringComparison.Ordinal));
        await stop.CancelAsync();
        await runner.ContinueWith(_ => { }, TaskScheduler.Default);
    }
}
