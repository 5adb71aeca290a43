using Pvc.Core.Errors;
using Pvc.Core.Fencing;
using Pvc.Core.Nodes;
using Pvc.Core.Schema;
using Pvc.Core.Vms;
using Pvc.Testing.Pvc;
using Pvc.Testing.ZooKeeper;

namespace Pvc.Core.Tests;

/// <summary>
/// Core's node-side operations (what a node service writes): each transition is written only while the key it was
/// decided on is still as read, and writes PVC's strings.
/// </summary>
[Collection(ZooKeeperCollection.Name)]
public sealed class NodeSideOperationTests(ZooKeeperFixture zk)
{
    [Fact]
    public async Task A_flush_marks_the_node_flushed_only_while_no_other_request_came()
    {
        await using var c = await TestCluster.StartAsync(zk);
        await PvcSeed.AddNodeAsync(c.Raw, "hv9", domainState: "flush");
        var node = new NodeHostOperations(c.Connection, "hv9");
        Assert.Equal(NodeDomainState.Flush, (await node.ReadDomainStateAsync(null, default)).State);

        // Resume-PvcNode asked for an unflush while the flush ran: the flush's "flushed" must not overwrite it
        await c.Raw.SetDataAsync("/nodes/hv9/domainstate", "unflush"u8.ToArray());
        Assert.False(await node.MarkFlushedAsync(NodeDomainState.Flush, default));
        Assert.Equal("unflush", await c.ReadAsync("/nodes/hv9/domainstate"));

        Assert.True(await node.MarkReadyAsync(default));
        Assert.Equal("ready", await c.ReadAsync("/nodes/hv9/domainstate"));
        // nothing to finish once ready
        Assert.False(await node.MarkReadyAsync(default));
        // the same flush request written twice (PVC's CLI does) is still the flush being carried out
        await c.Raw.SetDataAsync("/nodes/hv9/domainstate", "flush"u8.ToArray());
        await c.Raw.SetDataAsync("/nodes/hv9/domainstate", "flush"u8.ToArray());
        Assert.True(await node.MarkFlushedAsync(NodeDomainState.Flush, default));
        Assert.Equal(("flushed", ""), (await c.ReadAsync("/nodes/hv9/domainstate"), await c.ReadAsync("/nodes/hv9/runningdomains")));
    }

    [Fact]
    public async Task A_node_writes_a_VM_state_only_over_the_state_it_decided_on()
    {
        await using var c = await TestCluster.StartAsync(zk);
        var uuid = await PvcSeed.AddVmAsync(c.Raw, "web1", "hv1", state: "restart");
        var vms = new VmHostOperations(c.Connection, "hv1");
        var changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Changed() => changed.TrySetResult();
        var vm = await vms.ReadAsync(uuid, Changed, default);
        Assert.Equal((VmState.Restart, "hv1", "web1"), (vm!.State, vm.Node, vm.Name));

        // a client stopped it meanwhile: the node's "start" for the restart it began must not overwrite the stop
        await c.Raw.SetDataAsync(PvcSeed.VmKey(uuid, "/state"), "stop"u8.ToArray());
        Assert.False(await vms.MarkRunningAsync(uuid, vm.StateVersion, default));
        Assert.Equal("stop", await c.ReadAsync(PvcSeed.VmKey(uuid, "/state")));
        await changed.Task.WaitAsync(TimeSpan.FromSeconds(10)); // the watch armed by the read saw the stop

        var now = await vms.ReadPlacementAsync(uuid, default);
        Assert.True(await vms.MarkFailedAsync(uuid, now.StateVersion, "no such disk", default));
        Assert.Equal(("fail", "no such disk"), (await c.ReadAsync(PvcSeed.VmKey(uuid, "/state")), await c.ReadAsync(PvcSeed.VmKey(uuid, "/failedreason"))));
        Assert.Null(await vms.ReadAsync(Guid.NewGuid(), Changed, default));
    }

    [Fact]
    public async Task An_aborted_migration_puts_the_VM_back_and_withdraws_the_receivers_announcement()
    {
        await using var c = await TestCluster.StartAsync(zk);
        var uuid = await PvcSeed.AddVmAsync(c.Raw, "web1", "hv2", state: "migrate", lastNode: "hv1");
        var sender = new VmHostOperations(c.Connection, "hv1");
        await sender.Handshake(uuid).AnnounceAsync(default);
        Assert.True(await sender.Handshake(uuid).IsAnnouncedAsync(default));
        var placement = await sender.ReadPlacementAsync(uuid, default);
        Assert.True(placement.IsMigrating);

        Assert.True(await sender.AbortMigrationAsync(uuid, placement.StateVersion, settledLastNode: null, default));
        Assert.Equal(("start", "hv1", "", ""), (await c.ReadAsync(PvcSeed.VmKey(uuid, "/state")), await c.ReadAsync(PvcSeed.VmKey(uuid, "/node")),
            await c.ReadAsync(PvcSeed.VmKey(uuid, "/lastnode")), await c.ReadAsync(PvcSeed.VmKey(uuid, "/migrate_sync_lock"))));
        // a second abort built on the old read writes nothing
        Assert.False(await sender.AbortMigrationAsync(uuid, placement.StateVersion, "hv3", default));
        Assert.Equal("", await c.ReadAsync(PvcSeed.VmKey(uuid, "/lastnode")));
    }

    [Fact]
    public async Task A_shutdown_hand_over_needs_the_receiver_still_running_as_read()
    {
        await using var c = await TestCluster.StartAsync(zk);
        var uuid = await PvcSeed.AddVmAsync(c.Raw, "web1", "hv2", state: "migrate", lastNode: "hv1");
        var sender = new VmHostOperations(c.Connection, "hv1");
        var placement = await sender.ReadPlacementAsync(uuid, default);
        var receiver = await sender.ReadDaemonStateAsync("hv2", default);
        Assert.Equal(NodeDaemonState.Run, receiver.State);
        Assert.False((await sender.ReadDaemonStateAsync("hv7", default)).Exists);

        // the fence monitor marked the receiver dead while the VM shut down: no "stop" for a receiver that will never start it
        await c.Raw.SetDataAsync("/nodes/hv2/daemonstate", "dead"u8.ToArray());
        Assert.False(await sender.HandOverStoppedAsync(uuid, placement.StateVersion, "hv2", receiver.Version, default));
        Assert.Equal("migrate", await c.ReadAsync(PvcSeed.VmKey(uuid, "/state")));

        await c.Raw.SetDataAsync("/nodes/hv2/daemonstate", "run"u8.ToArray());
        receiver = await sender.ReadDaemonStateAsync("hv2", default);
        Assert.True(await sender.HandOverStoppedAsync(uuid, placement.StateVersion, "hv2", receiver.Version, default));
        Assert.Equal("stop", await c.ReadAsync(PvcSeed.VmKey(uuid, "/state")));

        // the receiver starts it and clears the key in the same transaction
        var target = new VmHostOperations(c.Connection, "hv2");
        await target.Handshake(uuid).AnnounceAsync(default);
        Assert.True(await target.CompleteReceiveAsync(uuid, (await target.ReadPlacementAsync(uuid, default)).StateVersion, default));
        Assert.Equal(("start", ""), (await c.ReadAsync(PvcSeed.VmKey(uuid, "/state")), await c.ReadAsync(PvcSeed.VmKey(uuid, "/migrate_sync_lock"))));
    }

    [Fact]
    public async Task A_flush_shuts_down_only_a_VM_still_running_here_and_an_unflush_starts_it_again()
    {
        await using var c = await TestCluster.StartAsync(zk);
        var uuid = await PvcSeed.AddVmAsync(c.Raw, "web1", "hv1", state: "start");
        var vms = new VmHostOperations(c.Connection, "hv1");
        var vm = new VmRef(uuid, "web1");

        await vms.ShutdownForFlushAsync(vm, default);
        Assert.Equal(("shutdown", "True"), (await c.ReadAsync(PvcSeed.VmKey(uuid, "/state")), await c.ReadAsync(PvcSeed.VmKey(uuid, "/node_autostart"))));
        // no longer "start": a second flush pass must not write it again
        var refused = await PvcAssert.ThrowsAsync(PvcErrorKind.WriteConflict, () => vms.ShutdownForFlushAsync(vm, default));
        Assert.Equal("VmChangedMeanwhile", refused.ErrorId);

        await c.Raw.SetDataAsync(PvcSeed.VmKey(uuid, "/state"), "stop"u8.ToArray());
        await vms.AutostartHereAsync(vm, default);
        Assert.Equal(("start", "False", ""), (await c.ReadAsync(PvcSeed.VmKey(uuid, "/state")), await c.ReadAsync(PvcSeed.VmKey(uuid, "/node_autostart")), await c.ReadAsync(PvcSeed.VmKey(uuid, "/lastnode"))));
        // autostart is used up: another unflush finds nothing to start
        await PvcAssert.ThrowsAsync(PvcErrorKind.WriteConflict, () => vms.AutostartHereAsync(vm, default));
    }

    [Fact]
    public async Task A_node_is_declared_dead_only_on_the_keepalive_it_was_judged_by()
    {
        await using var c = await TestCluster.StartAsync(zk);
        var fence = new FenceOperations(c.Connection, "hv1");
        var round = await fence.ReadRoundAsync(default);
        Assert.False(round.Maintenance);
        var hv2 = Assert.Single(round.Nodes, n => n.Name == "hv2");
        Assert.DoesNotContain(round.Nodes, n => n.Name == "hv1");
        Assert.Equal(NodeDaemonState.Run, hv2.State);

        // a keepalive arrived after the monitor's read: hv2 is alive
        await new NodeHostOperations(c.Connection, "hv2").WriteKeepaliveAsync(new NodeKeepalive(32000, 1000, 31000, 0, 0, 0, 0.1, 0, []), default);
        Assert.False(await fence.DeclareDeadAsync("hv2", hv2.KeepaliveVersion, default));
        Assert.Equal("run", await c.ReadAsync("/nodes/hv2/daemonstate"));

        var now = Assert.Single((await fence.ReadRoundAsync(default)).Nodes, n => n.Name == "hv2");
        Assert.True(await fence.DeclareDeadAsync("hv2", now.KeepaliveVersion, default));
        Assert.Equal("dead", await c.ReadAsync("/nodes/hv2/daemonstate"));
        Assert.False(await fence.WaitLeftDeadAsync("hv2", TimeSpan.FromMilliseconds(200), default));
        // its next keepalive brings it back
        await new NodeHostOperations(c.Connection, "hv2").WriteKeepaliveAsync(new NodeKeepalive(32000, 1000, 31000, 0, 0, 0, 0.1, 0, []), default);
        Assert.True(await fence.WaitLeftDeadAsync("hv2", TimeSpan.FromSeconds(10), default));
        Assert.Equal("run", await c.ReadAsync("/nodes/hv2/daemonstate"));

        await c.Raw.SetDataAsync("/config/maintenance", "true"u8.ToArray());
        Assert.True((await fence.ReadRoundAsync(default)).Maintenance);
    }

    [Fact]
    public async Task A_stopping_node_keeps_its_shutdown_state_across_keepalives()
    {
        await using var c = await TestCluster.StartAsync(zk);
        var node = new NodeHostOperations(c.Connection, "hv3");
        var running = Guid.NewGuid();
        await node.MarkStoppingAsync(default);
        await node.WriteKeepaliveAsync(new NodeKeepalive(32000, 2048, 29952, 2048, 4096, 2, 0.5, 1, [running]), default);
        Assert.Equal(("shutdown", running.ToString(), "2048", "4096"), (await c.ReadAsync("/nodes/hv3/daemonstate"),
            await c.ReadAsync("/nodes/hv3/runningdomains"), await c.ReadAsync("/nodes/hv3/memalloc"), await c.ReadAsync("/nodes/hv3/memprov")));
        await node.MarkStoppedAsync(default);
        Assert.Equal("stop", await c.ReadAsync("/nodes/hv3/daemonstate"));
        // a service starting again: its first keepalive says it runs
        await node.WriteKeepaliveAsync(new NodeKeepalive(32000, 0, 32000, 0, 0, 0, 0, 0, []), default);
        Assert.Equal("run", await c.ReadAsync("/nodes/hv3/daemonstate"));
    }

    [Fact]
    public async Task A_receiver_queued_again_before_letting_go_stays_visible_to_a_waiting_client_until_it_decides()
    {
        await using var c = await TestCluster.StartAsync(zk);
        var uuid = await PvcSeed.AddVmAsync(c.Raw, "web1", "hv2", state: "migrate", lastNode: "hv1");
        var receiver = new MigrationHandshake(c.Connection, uuid, "hv2");
        var sender = new MigrationHandshake(c.Connection, uuid, "hv1");
        var client = new MigrationHandshake(c.Connection, uuid, "");
        await receiver.AnnounceAsync(default);
        var phaseA = receiver.NewLock();
        Assert.True(await phaseA.TryAcquireAsync(TimeSpan.FromSeconds(10)));
        var senderLock = sender.NewLock();
        var senderHeld = senderLock.TryAcquireAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(MigrationHandshake.ReceiverWait.SenderQueued,
            await receiver.WaitForSenderQueuedAsync(phaseA, _ => Task.FromResult(false), TimeSpan.FromSeconds(10), default));

        // phase B takes its place behind the sender while phase A is still held, then A goes
        var phaseB = await receiver.NewLock().QueueAsync(TimeSpan.FromSeconds(30));
        Assert.False(phaseB.IsCompleted);
        Assert.Null(await phaseA.ReleaseAsync());
        Assert.True(await senderHeld);
        Assert.False(phaseB.IsCompleted);

        // the sender hands the VM over stopped and lets go at once: the receiver's place is already taken, so a client
        // waiting for the hand-over keeps waiting instead of reading a VM that is really stopped
        await c.Raw.SetDataAsync(PvcSeed.VmKey(uuid, "/state"), "stop"u8.ToArray());
        Assert.Null(await senderLock.ReleaseAsync());
        Assert.Equal(MigrationHandshake.HandOverProbe.HandingOver, await client.ProbeHandOverAsync(() => { }, default));
        Assert.True(await phaseB);

        var vms = new VmHostOperations(c.Connection, "hv2");
        Assert.True(await vms.CompleteReceiveAsync(uuid, (await vms.ReadPlacementAsync(uuid, default)).StateVersion, default));
        Assert.Equal(MigrationHandshake.HandOverProbe.StateMovedOn, await client.ProbeHandOverAsync(() => { }, default));
        await c.Raw.SetDataAsync(PvcSeed.VmKey(uuid, "/state"), "stop"u8.ToArray());
        Assert.Equal(MigrationHandshake.HandOverProbe.NotHandingOver, await client.ProbeHandOverAsync(() => { }, default));
    }

    [Fact]
    public async Task A_node_reads_a_VM_for_its_decision_in_one_round_trip_and_hears_of_the_next_change()
    {
        await using var c = await TestCluster.StartAsync(zk);
        var uuid = (await c.AddVmAsync("web1", "hv1", "stop")).Uuid;
        var changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var before = c.Connection.RoundTrips;
        var vm = await new VmHostOperations(c.Connection, "hv1").ReadAsync(uuid, () => changed.TrySetResult(), default);
        // before: 2 (the watches' exists, then the keys' read); the watches' requests now go ahead of the read, unawaited
        Assert.Equal(1, c.Connection.RoundTrips - before);
        Assert.Equal(("web1", VmState.Stop, "hv1"), (vm!.Name, vm.State, vm.Node));

        // the watches were armed with the read: the next change of the state is heard
        await c.Raw.SetDataAsync(PvcSeed.VmKey(uuid, "/state"), "start"u8.ToArray());
        await changed.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }
}
