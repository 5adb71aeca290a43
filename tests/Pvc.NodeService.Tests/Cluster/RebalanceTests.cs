using Pvc.Core.Connection;
using Pvc.Core.Errors;
using Pvc.Core.Placement;
using Pvc.Core.Schema;
using Pvc.Core.Vms;
using Pvc.Testing.Network;
using Pvc.Testing.ZooKeeper;

namespace Pvc.NodeService.Tests.Cluster;

/// <summary>
/// A rebalance carried out by real node services (libvirt test-driver hosts, a real ZooKeeper): on a crowded node it
/// converges (nothing is left to recommend, a second run makes no move) within the rules, and a stop asked for while
/// moves run starts no more and returns only once the moves under way have ended, every VM settled.
/// </summary>
[Collection(ZooKeeperCollection.Name)]
public sealed class RebalanceTests(ZooKeeperFixture zk)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_rebalance_of_a_crowded_node_converges_keeps_a_hard_keep_together_pair_together_and_is_idempotent()
    {
        await using var c = await NodeServiceCluster.StartReadyAsync(zk, count: 3);
        var vms = new List<VmRef>();
        foreach (var name in new[] { "r1", "r2", "r3", "r4", "t1", "t2" })
            vms.Add(await c.StartVmOnAsync(name, "hv1"));
        await c.Connection.Placement.CreateRuleAsync("pair", PlacementRuleKind.KeepTogether, hard: true, ["t1", "t2"]);

        var plan = await c.Vms.RecommendPlacementAsync();
        Assert.NotEmpty(plan.Moves);
        Assert.DoesNotContain(plan.Moves, m => m.VmName is "t1" or "t2");
        var run = await c.Vms.RebalanceAsync(plan.Moves, throttleLimit: 2, Wait);

        Assert.Equal(0, run.NotStarted);
        Assert.All(run.Outcomes, o => Assert.True(o.Moved, o.Error?.Message));
        foreach (var move in plan.Moves)
            await c.WaitRunningOnAsync(move.Vm, move.To);
        Assert.Empty((await c.Vms.RecommendPlacementAsync()).Moves);
        var again = await c.Vms.RebalanceAsync((await c.Vms.RecommendPlacementAsync()).Moves, 2, Wait);
        Assert.Empty(again.Outcomes);
        var now = (await c.Connection.Vms.ListAsync()).ToDictionary(v => v.Name, StringComparer.Ordinal);
        Assert.Equal(now["t1"].Node, now["t2"].Node);
        Assert.All(now.Values, v => Assert.Equal((VmState.Start, (string?)null), (v.State, v.LastNode)));
        Assert.True(now.Values.Select(v => v.Node).Distinct().Count() >= 2);
    }

    [Fact]
    public async Task A_stop_starts_no_more_moves_and_returns_once_the_moves_under_way_have_ended()
    {
        await using var c = await NodeServiceCluster.StartReadyAsync(zk, count: 3);
        foreach (var name in new[] { "s1", "s2", "s3", "s4" })
            await c.StartVmOnAsync(name, "hv1");
        var plan = await c.Vms.RecommendPlacementAsync();
        Assert.True(plan.Moves.Count >= 2, $"{plan.Moves.Count} move(s)");
        using var stop = new CancellationTokenSource();

        // the stop comes as the first move starts (Ctrl+C): that move is carried through, no other starts
        var run = await c.Vms.RebalanceAsync(plan.Moves, throttleLimit: 1, Wait, started: _ => stop.Cancel(), stopStarting: stop.Token);

        var outcome = Assert.Single(run.Outcomes);
        Assert.True(outcome.Moved, outcome.Error?.Message);
        Assert.Equal(plan.Moves.Count - 1, run.NotStarted);
        var moved = await c.Connection.Vms.GetAsync(outcome.Move.Vm);
        Assert.Equal((VmState.Start, outcome.Move.To), (moved.State, moved.Node));
        Assert.All(await c.Connection.Vms.ListAsync(), v => Assert.False(VmOperations.IsTransitional(v.State), $"{v.Name} is {v.State}"));
    }

    /// <summary>
    /// The timeout passes after a move's commit went through but before its answer came back (the answer is held back
    /// by a relay): the move is not reported "not moved", since its VM is migrating to the target, but unknown (or
    /// moved, when the VM can be read on its target).
    /// </summary>
    [Fact]
    public async Task A_move_whose_commit_went_through_when_the_timeout_passed_is_not_reported_as_not_moved()
    {
        var chroot = await zk.NewChrootAsync("rebalance-deadline");
        await using var c = await NodeServiceCluster.StartAsync(chroot, count: 3);
        await c.WaitReadyAsync();
        foreach (var name in new[] { "d1", "d2", "d3" })
            await c.StartVmOnAsync(name, "hv1");
        await using var proxy = new TcpProxy(zk.Server.ClientPort);
        // a session long enough that the held-back answers do not end the connection before the timeout passes
        await using var relayed = await ClusterConnection.ConnectAsync(new()
        {
            Servers = [proxy.Endpoint + chroot[chroot.IndexOf('/', StringComparison.Ordinal)..]], SessionTimeout = TimeSpan.FromSeconds(40),
        });
        var ops = new VmOperations(relayed);
        var move = (await ops.RecommendPlacementAsync()).Moves[0];
        // the commit writes the state "migrate" (a SetData of .../state, the data's length before it): from that
        // request on, no answer reaches this client (the plan's reads, of migrate_sync_lock among them, do not match)
        var paused = proxy.PauseRepliesAfterRequestWith([.. "/state"u8, 0, 0, 0, 7, .. "migrate"u8]);

        var run = await ops.RebalanceAsync([move], throttleLimit: 1, TimeSpan.FromSeconds(10));

        Assert.True(paused.IsCompleted);
        var outcome = Assert.Single(run.Outcomes);
        proxy.ResumeReplies();
        await c.WaitRunningOnAsync(move.Vm, move.To);
        if (!outcome.Moved)
        {
            Assert.DoesNotContain("it was not moved", outcome.Error!.Message, StringComparison.Ordinal);
            Assert.Contains("the move's outcome is unknown", outcome.Error.Message, StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// ZooKeeper is lost as the first move starts (the client's connection cut): that is each move's failure, reported
    /// in its outcome, and the run still returns its summary instead of failing with the first move's exception.
    /// </summary>
    [Fact]
    public async Task A_connection_lost_during_the_moves_is_each_moves_failure_and_the_run_still_returns_its_summary()
    {
        var chroot = await zk.NewChrootAsync("rebalance-lost");
        await using var c = await NodeServiceCluster.StartAsync(chroot, count: 3);
        await c.WaitReadyAsync();
        foreach (var name in new[] { "l1", "l2", "l3", "l4" })
            await c.StartVmOnAsync(name, "hv1");
        await using var proxy = new TcpProxy(zk.Server.ClientPort);
        await using var relayed = await ClusterConnection.ConnectAsync(new()
        {
            Servers = [proxy.Endpoint + chroot[chroot.IndexOf('/', StringComparison.Ordinal)..]], ConnectTimeout = TimeSpan.FromSeconds(2),
        });
        var ops = new VmOperations(relayed);
        var plan = await ops.RecommendPlacementAsync();
        Assert.True(plan.Moves.Count >= 2, $"{plan.Moves.Count} move(s)");

        var run = await ops.RebalanceAsync(plan.Moves, throttleLimit: 1, Wait, started: _ => proxy.Cut());

        Assert.Equal(plan.Moves.Count, run.Outcomes.Count + run.NotStarted);
        Assert.All(run.Outcomes, o => Assert.False(o.Moved));
        Assert.All(run.Outcomes, o => Assert.Equal(PvcErrorIds.ClusterUnreachable, Assert.IsType<PvcException>(o.Error).ErrorId));
    }
}
